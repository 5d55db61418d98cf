"""The finished chat form as intake's use case takes it (pure: no Flask, no database)."""

from service.chat.answers import phone_of
from service.chat.prescreen import description_note


def application_payload(data: dict) -> tuple[dict, dict]:
    """The finished form as intake's use case takes it: what the window must know that has no field of
    its own (how to reach the resident, the child's name and age) leads the description it reads."""
    form = data["form"]
    child = data["intake"] == "child_welfare"
    phone = phone_of(form.get("phone"))
    notes = [f"联系方式：{phone.note()}"] if phone.note() else []
    if child:
        notes += [f"孩子：{form.get('child_name', '')}，{form.get('child_age', '')}岁",
                  f"与孩子关系：{form.get('guardian_relation', '')}", form.get("child_situation", ""),
                  f"最初留言：{data.get('said', '')}"]
    else:
        notes += [form.get("situation") or data.get("said", ""), description_note(form.get("income"))]
    payload = {
        "name": form.get("guardian_name" if child else "name"),
        "id_number": form.get("guardian_id_number" if child else "id_number"),
        "phone": phone.number if phone.kind in ("mobile", "relative") else None,
        "village_id": (form.get("child_village") or form.get("village"))[0],
        "intake": data["intake"], "description": "；".join(part for part in notes if part),
        "urgent": bool(data.get("urgent")), "household_size": form.get("household"),
    }
    route_info = {k: data["route"][k] for k in ("category", "confidence", "keywords", "urgent")
                  if k in (data.get("route") or {})}
    route_info["chosen"] = data["intake"]
    if phone.kind != "mobile":
        route_info["contact"] = phone.kind  # relative / landline / none: the window reaches them another way
    return payload, route_info
