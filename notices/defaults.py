"""The default notice text, in plain language, drawn from the district policy.

The district starts from this text and edits it. `{district}` is replaced by the district's name
when a notice is created. Only languages written here get a default; the others start empty and
show as missing until the district writes them.
"""

from __future__ import annotations

DEFAULT_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Safety and security staff at our schools",
        "role_heading": "Their role and responsibilities",
        "role_text": (
            "{district} has safety and security staff working at some of its schools. They may "
            "be school resource officers (police officers assigned to schools), school security "
            "officers or campus security officers.\n\n"
            "Their job is to help keep schools safe and to support a positive, welcoming school "
            "climate. They get to know students, families and staff, take part in school "
            "meetings and assemblies, and help the school's threat assessment team, which works "
            "to prevent harm.\n\n"
            "Above all, they work to keep students out of the criminal justice system whenever "
            "possible."
        ),
        "staff_heading": "Who works at this school",
        "staff_text": (
            "These are the safety and security staff who work at this school this year, and the "
            "days they are usually here."
        ),
        "limits_heading": "What they do and do not do",
        "limits_text": (
            "The principal and school staff are responsible for student behavior and discipline. "
            "Safety and security staff may remind students of school rules in an informal way, "
            "but a school resource officer never takes part in formal school discipline, such as "
            "suspensions.\n\n"
            "Safety and security staff do not enforce immigration law. They do not ask about or "
            "record anyone's immigration or citizenship status or place of birth, and they do not "
            "share information with federal immigration authorities for civil immigration "
            "enforcement, except as the law requires.\n\n"
            "As a rule, police activity happens away from school. When an officer must question, "
            "search or arrest a student at school, state law protects the student's rights, "
            "including a young person's right to speak with a lawyer."
        ),
        "interventions_heading": "When teachers may ask them to step in",
        "interventions_text": (
            "Teachers and principals may ask safety and security staff to step in only when a "
            "student's presence is an immediate and continuing danger to others, when there is an "
            "immediate and continuing threat of serious disruption to learning, or in another "
            "emergency. They are not asked to handle ordinary school rules. In an emergency, they "
            "may act without being asked."
        ),
        "complaints_heading": "How to make a complaint",
        "complaints_text": (
            "If you have a concern about safety and security staff, you can tell us. You may "
            "complain online, by email, by phone or by mail, in your language, and you do not "
            "have to give your name. The district looks into every complaint and answers in "
            "writing. You may also complain directly to the police agency or company that "
            "employs the staff member."
        ),
        "contacts_heading": "Who to contact",
        "contacts_text": (
            "For questions about this notice or about safety and security staff, contact the "
            "school office or the district."
        ),
    },
    "es": {
        "title": "Personal de seguridad en nuestras escuelas",
        "role_heading": "Su función y responsabilidades",
        "role_text": (
            "{district} cuenta con personal de seguridad en algunas de sus escuelas. Pueden ser "
            "oficiales de recursos escolares (policías asignados a las escuelas), oficiales de "
            "seguridad escolar u oficiales de seguridad del campus.\n\n"
            "Su trabajo es ayudar a que las escuelas sean seguras y apoyar un ambiente escolar "
            "positivo y acogedor. Conocen a los estudiantes, las familias y el personal, "
            "participan en reuniones y asambleas escolares y ayudan al equipo de evaluación de "
            "amenazas de la escuela, que trabaja para prevenir daños.\n\n"
            "Sobre todo, trabajan para mantener a los estudiantes fuera del sistema de justicia "
            "penal siempre que sea posible."
        ),
        "staff_heading": "Quién trabaja en esta escuela",
        "staff_text": (
            "Este es el personal de seguridad que trabaja en esta escuela este año y los días en "
            "que normalmente está aquí."
        ),
        "limits_heading": "Lo que hacen y lo que no hacen",
        "limits_text": (
            "El director y el personal escolar son responsables de la conducta y la disciplina de "
            "los estudiantes. El personal de seguridad puede recordar las reglas escolares de "
            "manera informal, pero un oficial de recursos escolares nunca participa en la "
            "disciplina escolar formal, como las suspensiones.\n\n"
            "El personal de seguridad no hace cumplir las leyes de inmigración. No pregunta ni "
            "registra el estatus migratorio o de ciudadanía ni el lugar de nacimiento de nadie, y "
            "no comparte información con las autoridades federales de inmigración para fines de "
            "inmigración civil, excepto cuando la ley lo exige.\n\n"
            "Por regla general, la actividad policial se realiza fuera de la escuela. Cuando un "
            "oficial debe interrogar, registrar o arrestar a un estudiante en la escuela, la ley "
            "estatal protege los derechos del estudiante, incluido el derecho de un joven a "
            "hablar con un abogado."
        ),
        "interventions_heading": "Cuándo los maestros pueden pedirles que intervengan",
        "interventions_text": (
            "Los maestros y directores pueden pedir al personal de seguridad que intervenga solo "
            "cuando la presencia de un estudiante es un peligro inmediato y continuo para otros, "
            "cuando hay una amenaza inmediata y continua de interrupción grave del aprendizaje, o "
            "en otra emergencia. No se les pide que se ocupen de las reglas escolares comunes. En "
            "una emergencia, pueden actuar sin que se les pida."
        ),
        "complaints_heading": "Cómo presentar una queja",
        "complaints_text": (
            "Si tiene una inquietud sobre el personal de seguridad, puede decírnoslo. Puede "
            "presentar una queja en línea, por correo electrónico, por teléfono o por correo "
            "postal, en su idioma, y no tiene que dar su nombre. El distrito investiga cada queja "
            "y responde por escrito. También puede presentar una queja directamente ante la "
            "agencia de policía o la empresa que emplea al miembro del personal."
        ),
        "contacts_heading": "A quién contactar",
        "contacts_text": (
            "Si tiene preguntas sobre este aviso o sobre el personal de seguridad, comuníquese "
            "con la oficina de la escuela o con el distrito."
        ),
    },
}


LABELS: dict[str, dict[str, str]] = {
    "en": {
        "label_name": "Name",
        "label_role": "Role",
        "label_days": "Days a week here",
        "label_contact": "How to reach them",
        "label_complaint_form": "Online complaint form",
        "kind_sro": "School resource officer (police officer)",
        "kind_school_security_officer": "School security officer",
        "kind_campus_security_officer": "Campus security officer",
        "kind_other": "Safety and security staff",
    },
    "es": {
        "label_name": "Nombre",
        "label_role": "Función",
        "label_days": "Días por semana aquí",
        "label_contact": "Cómo comunicarse",
        "label_complaint_form": "Formulario de queja en línea",
        "kind_sro": "Oficial de recursos escolares (policía)",
        "kind_school_security_officer": "Oficial de seguridad escolar",
        "kind_campus_security_officer": "Oficial de seguridad del campus",
        "kind_other": "Personal de seguridad",
    },
}


def default_text(language: str, *, district_name: str) -> dict[str, str] | None:
    """The default fields for `language`, with the district's name filled in, or None."""
    text = DEFAULT_TEXT.get(language)
    if text is None:
        return None
    values = {name: value.replace("{district}", district_name) for name, value in text.items()}
    return {**values, **LABELS.get(language, {})}
