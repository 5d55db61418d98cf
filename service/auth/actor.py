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
        from service.auth.models import ROLE_LABELS

        return f"{ROLE_LABELS.get(self.role, self.role)} {self.display_name}"

    def sees_township(self, township_id: int, county_id: int) -> bool:
        """Window staff see their own township; the auditor none; everyone else their county."""
        if county_id != self.county_id or self.role == "auditor":
            return False
        return self.role != "window" or self.township_id == township_id
