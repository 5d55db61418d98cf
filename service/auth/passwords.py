"""Staff passwords under 等保 level 3: a one-time password from the administrator, then the account's own,
set at first log-in, long enough, of at least three character classes, not guessable from the account.

The policy is pure (problems()); change_password() is the use case behind the staff page and the API.
"""

from __future__ import annotations

import secrets
import string

from flask import current_app
from werkzeug.security import check_password_hash

from service.auth import audit
from service.auth.models import StaffUser
from service.auth.services import DEMO_PASSWORDS, hash_password
from service.errors import Forbidden, InvalidInput, NotAuthenticated
from service.extensions import db
from service.unit_of_work import use_case

MAX_LENGTH = 128
CLASSES = (("小写字母", string.ascii_lowercase), ("大写字母", string.ascii_uppercase), ("数字", string.digits))
# default and example passwords that pass the character rules and are the first an intruder tries
COMMON = frozenset({"abc@123456", "admin@1234", "admin@12345", "admin@123456", "p@ssw0rd123", "passw0rd!@#",
                    "qwer@12345", "1qaz2wsx3edc", "1qaz@wsx3edc", "aa123456789", "abcd@12345", "a123456789!",
                    "password@123", "password123!", "welcome@123", "zaq1@wsx3edc", "huawei@123", "root@123456"})
# one-time passwords are read off a screen and typed: no 0/O, 1/l/I
_OTP_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"


class PasswordChangeRequired(Forbidden):
    code = "password_change_required"
    message = "首次登录或密码被重置后，须先设置自己的密码（网页：/staff/password；API：POST /api/v1/auth/password）"


def min_length() -> int:
    return int(current_app.config.get("PASSWORD_MIN_LENGTH", 10))


def problems(password: str, username: str, *, minimum: int) -> list[str]:
    """What is wrong with `password` as the account's own (empty when it may be used)."""
    found = []
    if len(password) < minimum:
        found.append(f"至少 {minimum} 位（现有 {len(password)} 位）")
    if len(password) > MAX_LENGTH:
        found.append(f"最多 {MAX_LENGTH} 位")
    kinds = sum(any(c in chars for c in password) for _, chars in CLASSES)
    kinds += any(not c.isascii() or not c.isalnum() for c in password)
    if kinds < 3:
        found.append("须包含大写字母、小写字母、数字、符号中的至少三类")
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        found.append("不能包含控制字符")
    lowered = password.lower()
    if username and len(username) >= 3 and username.lower() in lowered:
        found.append("不能包含用户名")
    if any(demo in lowered for demo in DEMO_PASSWORDS):
        found.append("不能使用或包含演示密码")
    if lowered in COMMON:
        found.append("这是常见的弱密码，请换一个")
    return found


def one_time_password() -> str:
    """12 random characters in three groups (about 69 bits), e.g. 'Kp7x-R3mQ-a9tW'; all classes present."""
    while True:
        chars = "".join(secrets.choice(_OTP_ALPHABET) for _ in range(12))
        if any(c.islower() for c in chars) and any(c.isupper() for c in chars) and any(c.isdigit() for c in chars):
            return "-".join(chars[i:i + 4] for i in range(0, 12, 4))


def change_password(user_id: int, current_password: str, new_password: str,
                    remote_addr: str | None = None) -> StaffUser:
    """The account sets its own password; every other session of it ends. Returns the user, whose new
    session epoch the caller starts the current session with."""
    with use_case() as uow:
        user = db.session.get(StaffUser, user_id)
        if user is None or not user.active:
            raise NotAuthenticated()
        if not check_password_hash(user.password_hash, current_password or ""):
            audit.record("change_password", user.id, "staff_user", user.username, "bad_password", remote_addr)
            uow.commit()  # the refused attempt stays on the record
            raise InvalidInput(fields={"current_password": ["当前密码不正确"]})
        found = problems(new_password or "", user.username, minimum=min_length())
        if new_password == current_password:
            found.insert(0, "不能与当前密码（含管理员给的一次性密码）相同")
        if found:
            raise InvalidInput("新密码不符合要求：" + "；".join(found), fields={"new_password": found})
        user.password_hash = hash_password(new_password)
        user.must_change_password = False
        user.session_epoch += 1
        audit.record("change_password", user.id, "staff_user", user.username, "granted", remote_addr)
        uow.commit()
    return user
