"""The code the settings page offers to put the lead form on a website: a plain HTML form, and the
same form with a small script that fills in the campaign parameters (UTM) of the first and the
latest visit. Shown escaped, as text to copy; it runs on the organization's own site, not here."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kliento.leads.models import UTM_KEYS
from kliento.leads.webforms import FIRST_TOUCH_PREFIX, HONEYPOT


def _fields() -> str:
    return "\n".join(
        [
            f'  <label>{_("Your name")} <input name="name" required maxlength="150"></label>',
            f'  <label>{_("Email")} <input name="email" type="email" maxlength="254"></label>',
            f'  <label>{_("Phone")} <input name="phone" type="tel" maxlength="40"></label>',
            f'  <label>{_("Company")} <input name="company" maxlength="150"></label>',
            f'  <label>{_("Message")} <textarea name="message" maxlength="5000"></textarea></label>',
            f"  <!-- {_('Left empty by people, filled in by bots: keep it hidden.')} -->",
            '  <div style="position:absolute;left:-10000px" aria-hidden="true">'
            f'<input name="{HONEYPOT}" tabindex="-1" autocomplete="off"></div>',
        ]
    )


def plain_form(endpoint: str) -> str:
    button = f'  <button type="submit">{_("Send")}</button>'
    return f'<form method="post" action="{endpoint}">\n{_fields()}\n{button}\n</form>'


def embed_snippet(endpoint: str) -> str:
    hidden = "\n".join(
        f'  <input type="hidden" name="{prefix}utm_{key}">'
        for prefix in (FIRST_TOUCH_PREFIX, "")
        for key in UTM_KEYS
    )
    keys = ", ".join(f'"{key}"' for key in UTM_KEYS)
    script = f"""<script>
(function () {{
  var keys = [{keys}], now = {{}}, query = new URLSearchParams(location.search), first;
  keys.forEach(function (key) {{ var value = query.get("utm_" + key); if (value) now[key] = value; }});
  try {{
    first = JSON.parse(localStorage.getItem("kliento_first_touch") || "null");
    if (!first && Object.keys(now).length) {{
      first = now; localStorage.setItem("kliento_first_touch", JSON.stringify(now));
    }}
    var last = Object.keys(now).length ? now
      : JSON.parse(localStorage.getItem("kliento_last_touch") || "{{}}");
    if (Object.keys(now).length) localStorage.setItem("kliento_last_touch", JSON.stringify(now));
  }} catch (error) {{ first = first || now; last = now; }}
  var form = document.getElementById("kliento-lead-form");
  keys.forEach(function (key) {{
    form.elements["{FIRST_TOUCH_PREFIX}utm_" + key].value = (first || {{}})[key] || "";
    form.elements["utm_" + key].value = (last || {{}})[key] || "";
  }});
}})();
</script>"""
    return (
        f'<form id="kliento-lead-form" method="post" action="{endpoint}">\n{_fields()}\n{hidden}\n'
        f'  <button type="submit">{_("Send")}</button>\n</form>\n{script}'
    )
