/* Hotline call form: phone look-up, ID check character as typed, live intake suggestion, Ctrl+Enter submit.
   Plain ES5 + fetch, no library; without script the form still works (the server suggests on submit). */
(function () {
  "use strict";
  var form = document.getElementById("call-form");
  if (!form || !window.fetch) { return; }
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }
  function debounce(fn, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }
  function ascii(value) {  // full-width digits and X, spaces and dashes, as callers dictate them
    return value.replace(/[\uFF10-\uFF19]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
      .replace(/[\s-]/g, "").replace(/\uFF38/g, "X").toUpperCase();
  }

  /* 1. caller phone: an existing applicant and their open applications appear at once */
  var phone = document.getElementById("phone");
  var phoneBox = document.getElementById("phone-result");
  var village = document.getElementById("village_id");
  var lastPhone = "";
  function showPhone(data) {
    phoneBox.textContent = "";
    var withheld = data.withheld || [];
    if (!data.applicants.length && !data.applications.length && !withheld.length) {
      phoneBox.appendChild(el("p", "新来电人：系统中没有这个号码的记录。"));
      return;
    }
    data.applicants.forEach(function (a) {
      phoneBox.appendChild(el("p", "已有申请人：" + a.name + "（" + a.village + "）"));
      if (!village.value && a.village_id) { village.value = String(a.village_id); }
    });
    if (data.applications.length) {
      phoneBox.appendChild(el("p", "办理中的申请（请勿重复登记同类申请）："));
      var list = el("ul");
      data.applications.forEach(function (a) {
        var item = el("li");
        var link = el("a", a.case_no);
        link.href = "/staff/applications/" + encodeURIComponent(a.case_no);
        link.target = "_blank";
        link.rel = "noopener";
        item.appendChild(link);
        item.appendChild(document.createTextNode(" " + a.intake + " · " + a.status + (a.urgent ? " · 紧急" : "")));
        list.appendChild(item);
      });
      phoneBox.appendChild(list);
    }
    withheld.forEach(function (w) {  /* another township's, or anything for an operator: only that it exists */
      phoneBox.appendChild(el("p", w.label + "：" + w.intake + "（请勿重复登记同类申请）"));
    });
  }
  phone.addEventListener("input", debounce(function () {
    var value = ascii(phone.value).replace(/^\+86/, "");
    if (!/^1[3-9]\d{9}$/.test(value)) { phoneBox.textContent = ""; lastPhone = ""; return; }
    if (value === lastPhone) { return; }
    lastPhone = value;
    post(form.getAttribute("data-phone-url"), { phone: value }).then(showPhone).catch(function () {
      phoneBox.textContent = "暂时查不到已有记录，可继续登记。";
    });
  }, 150));

  /* 2. ID number: the check character (GB 11643) validated as typed */
  var idInput = document.getElementById("id_number");
  var idHint = document.getElementById("id_number-hint");
  var idDefault = idHint.textContent;
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";
  function checkCharacter(first17) {
    var total = 0;
    for (var i = 0; i < 17; i += 1) { total += parseInt(first17.charAt(i), 10) * WEIGHTS[i]; }
    return CHECK.charAt(total % 11);
  }
  function idState(text, cls) {
    idHint.textContent = text;
    idHint.className = "hint" + (cls ? " " + cls : "");
    if (cls === "id-bad") { idInput.setAttribute("aria-invalid", "true"); } else { idInput.removeAttribute("aria-invalid"); }
  }
  idInput.addEventListener("input", function () {
    var value = ascii(idInput.value);
    if (!value) { idState(idDefault, ""); return; }
    if (!/^\d{0,17}[\dX]?$/.test(value) || value.length > 18) {
      idState("只能是 18 位：前 17 位数字，最后一位数字或 X", "id-bad");
    } else if (value.length < 17) {
      idState("已输入 " + value.length + " / 18 位", "");
    } else if (value.length === 17) {
      idState("最后一位应为 " + checkCharacter(value), "");
    } else if (checkCharacter(value.slice(0, 17)) === value.charAt(17)) {
      idState("✓ 校验位正确", "id-ok");
    } else {
      idState("✗ 校验位不对（按前 17 位应为 " + checkCharacter(value.slice(0, 17)) + "），请核对是否有数字输错", "id-bad");
    }
  });

  /* 3. what the caller said: the classifier suggests the intake and urgency live; the operator may override */
  var desc = document.getElementById("description");
  var box = document.getElementById("suggestion");
  var intake = document.getElementById("intake");
  var urgent = document.getElementById("urgent");
  var intakeTouched = intake.value !== "";
  var urgentTouched = urgent.checked;
  var asked = 0;
  intake.addEventListener("change", function () { intakeTouched = true; });
  urgent.addEventListener("change", function () { urgentTouched = true; });
  function showSuggestion(s) {
    box.textContent = "";
    if (!s.category) { box.hidden = true; return; }
    box.hidden = false;
    var head = el("p");
    head.appendChild(document.createTextNode("系统建议："));
    head.appendChild(el("strong", s.label, "sugg-cat"));
    head.appendChild(document.createTextNode("（把握 " + Math.round(s.confidence * 100) + "%）"));
    head.setAttribute("data-category", s.category);
    box.appendChild(head);
    if (s.keywords.length) { box.appendChild(el("p", "依据的词：" + s.keywords.join("、"))); }
    if (s.urgent) { box.appendChild(el("p", "判断为紧急" + (s.urgent_keywords.length ? "：" + s.urgent_keywords.join("、") : ""))); }
    var known = !!intake.querySelector('option[value="' + s.category + '"]');
    if (!known) { box.appendChild(el("p", "不属于三类救助，可能需要转介，请人工选择类别。")); }
    if (!intakeTouched) { intake.value = known ? s.category : ""; }
    if (!urgentTouched) { urgent.checked = !!s.urgent; }
  }
  function suggest() {
    var text = desc.value.trim();
    var mine = ++asked;
    if (text.length < 2) { box.hidden = true; return; }
    post(form.getAttribute("data-suggest-url"), { text: text }).then(function (s) {
      if (mine === asked) { showSuggestion(s); }
    }).catch(function () { /* the server classifies again on submit */ });
  }
  desc.addEventListener("input", debounce(suggest, 250));
  if (desc.value.trim()) { suggest(); }

  /* 4. one keystroke: Ctrl+Enter (or Cmd+Enter) submits from any field; never twice */
  var sent = false;
  form.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }
  });
  form.addEventListener("submit", function (e) {
    if (sent) { e.preventDefault(); return; }
    sent = true;
  });
}());
