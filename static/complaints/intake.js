// Intake form: show only the chosen school's staff (the full list works without JavaScript).
(function () {
  "use strict";
  var school = document.getElementById("id_school");
  var staff = document.getElementById("id_staff_member");
  var name = document.getElementById("div_id_contact_name");
  var anonymous = document.getElementById("id_anonymous");
  if (school && staff) {
    var filter = function () {
      var chosen = school.options[school.selectedIndex] ? school.options[school.selectedIndex].text : "";
      Array.prototype.forEach.call(staff.querySelectorAll("optgroup"), function (group) {
        var show = !school.value || group.label === chosen;
        group.hidden = !show;
        group.disabled = !show;
        if (!show && group.contains(staff.options[staff.selectedIndex])) { staff.value = ""; }
      });
    };
    school.addEventListener("change", filter);
    filter();
  }
  if (anonymous && name) {
    var toggle = function () { name.hidden = anonymous.checked; };
    anonymous.addEventListener("change", toggle);
    toggle();
  }
})();
