"""The onboarding commands as an IT officer types them: what they print, and exit 1 with the reasons."""

import re

from sqlalchemy import func, select

from service.auth.models import AuditRecord, StaffUser
from service.extensions import db
from service.intake.models import Township, Village

CSV = "code,name,lat,lng\n340621109,孙疃镇,33.595,116.665\n340621109201,孙疃村,,\n340621109203,秦口村,,\n"


def test_a_county_from_nothing_to_a_window_account(runner, tmp_path):
    out = runner.invoke(args=["county", "init", "--code", "340621", "--name", "濉溪县"])
    assert out.exit_code == 0 and "county 340621 濉溪县: created" in out.output
    assert "already set up" in runner.invoke(args=["county", "init", "--code", "340621", "--name", "濉溪县"]).output
    path = tmp_path / "places.csv"
    path.write_text(CSV, encoding="utf-8-sig")
    out = runner.invoke(args=["divisions", "import", str(path)])
    assert out.exit_code == 0, out.output
    assert "1 townships and 2 villages added" in out.output
    out = runner.invoke(args=["staff", "add", "wangfang", "--role", "window", "--name", "王芳", "--township", "孙疃镇"])
    assert out.exit_code == 0, out.output
    otp = re.search(r"one-time password: (\S+)", out.output).group(1)
    listing = runner.invoke(args=["staff", "list"]).output
    assert re.search(r"wangfang\s+window\s+王芳\s+孙疃镇\s+active, must change password\s+last log-in: never", listing)
    out = runner.invoke(args=["staff", "reset-password", "wangfang"])
    assert out.exit_code == 0 and otp not in out.output and "one-time password:" in out.output
    assert runner.invoke(args=["staff", "disable", "wangfang"]).output.strip() == "wangfang: disabled"
    assert "disabled" in runner.invoke(args=["staff", "list"]).output
    assert runner.invoke(args=["staff", "enable", "wangfang"]).exit_code == 0
    via = {r.details.get("via", "") for r in db.session.scalars(select(AuditRecord))}
    assert all(v.startswith("命令行（") for v in via)


def test_a_bad_file_lists_every_line_and_imports_nothing(runner, tmp_path):
    runner.invoke(args=["county", "init", "--code", "340621", "--name", "濉溪县"])
    path = tmp_path / "places.csv"
    path.write_text(CSV + "340621109204,,,\n340621110201,某村,,\n", encoding="utf-8")
    out = runner.invoke(args=["divisions", "import", str(path)])
    assert out.exit_code == 1
    assert "places.csv:5: 名称不能为空" in out.output and "places.csv:6: 所属乡镇 340621110" in out.output
    assert "2 problem(s) in places.csv; nothing was imported" in out.output
    assert db.session.scalar(select(func.count()).select_from(Township)) == 0
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(CSV.encode("gbk"))
    out = runner.invoke(args=["divisions", "import", str(gbk)])
    assert out.exit_code == 1 and "gbk.csv:2: 文件是 GBK" in out.output
    assert db.session.scalar(select(func.count()).select_from(Village)) == 0


def test_mistakes_are_refused_with_the_reason(runner):
    out = runner.invoke(args=["county", "init", "--code", "34062", "--name", "濉溪县"])
    assert out.exit_code == 1 and "6 位数字" in out.output
    out = runner.invoke(args=["staff", "add", "wangfang", "--role", "window", "--name", "王芳"])
    assert out.exit_code == 1 and "county init" in out.output  # no county yet
    runner.invoke(args=["county", "init", "--code", "340621", "--name", "濉溪县"])
    out = runner.invoke(args=["staff", "add", "wangfang", "--role", "window", "--name", "王芳"])
    assert out.exit_code == 1 and "必须指定所属乡镇" in out.output
    out = runner.invoke(args=["staff", "add", "wangfang", "--role", "boss", "--name", "王芳"])
    assert out.exit_code == 2 and "boss" in out.output
    assert runner.invoke(args=["staff", "disable", "nobody"]).exit_code == 1
    assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 0


def test_county_init_warns_when_county_code_points_elsewhere(runner):
    out = runner.invoke(args=["county", "init", "--code", "340622", "--name", "萧县"])
    assert out.exit_code == 0 and "set COUNTY_CODE=340622" in out.output
