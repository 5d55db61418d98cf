"""Who is acting, as the use cases see it: primitives only, no session or request."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    id: int
    role: str
    county_id: int
    township_id: int | None
    display_name: str

    @property
    def label(self) -> str:
        roles = {"operator": "热线话务员", "window": "乡镇窗口", "county": "县民政局", "admin": "系统管理员",
                 "auditor": "审计员"}
        return f"{roles.get(self.role, self.role)} {self.display_name}"

    def sees_township(self, township_id: int, county_id: int) -> bool:
        """Window staff see their own township; the auditor none; everyone else their county."""
        if county_id != self.county_id or self.role == "auditor":
            return False
        return self.role != "window" or self.township_id == township_id
