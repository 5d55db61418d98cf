"""Everything the chatbot says, in plain Chinese; short lines, one question at a time."""

from service.intake.procedures import INTAKES, RESIDENT_LABELS, definition

# how the chat offers each intake in a choice, and its short name: both from the procedure definition
INTAKE_NAMES = {intake: definition(intake).chat_choice for intake in INTAKES}
SHORT_NAMES = RESIDENT_LABELS

WELCOME = ("您好，这里是{county}民政局。遇到难处可以直接跟我们说，打字或发语音都行，比如“家里着火了没地方住”、"
           "“老人瘫痪想申请低保”。\n我们能办：临时救助、低保和特困供养、孤儿和困境儿童保障。\n"
           "查进度请回复“进度”。救助热线：{hotline}")
ASK_NEED = "请用文字或语音说说您遇到了什么困难，比如：“家里着火了没地方住”、“老人瘫痪想申请低保”。"
CONFIRM_INTAKE = "您是想申请{intake}吗？回复 1 确认，2 重新选择"
CHOOSE_INTAKE = "请问您想申请哪一项？\n{options}\n回复数字或名字都行，比如“低保”。"
NONE_OF_THESE = "都不是（转人工）"
URGENT = ("您说的情况很紧急！如有生命危险请立即拨打 110、119 或 120。民政救助热线：{hotline}。"
          "我们会把您的申请标为紧急，马上转给乡镇工作人员。")
URGENT_CHASED = ("您说的情况很紧急！如有生命危险请立即拨打 110、119 或 120。民政救助热线：{hotline}。"
                 "已把您刚才说的情况补充到申请 {case_no}，并转给工作人员，会尽快联系您。")
URGENT_HANDED_OFF = ("您说的情况很紧急！如有生命危险请立即拨打 110、119 或 120。民政救助热线：{hotline}。"
                     "已转给工作人员，会尽快联系您。")
THANKS = "不客气！有困难随时给我们发消息，打字或发语音都行。急事请拨打 {hotline}。"
HANDOFF = "您的问题已转给工作人员，工作时间内会尽快回复您。急事请拨打 {hotline}。"
CANCELLED = "好的，已取消。需要帮助随时给我们发消息。"
RESUMED = "欢迎回来！您的{intake}申请还没填完，我们接着来。\n"
EXPIRED = "您上次没填完的申请已超过24小时，已经作废，我们重新开始。\n"
REMIND = "您的{intake}申请还没填完，已填的内容都给您留着（24小时内有效）。接着上次：\n{question}\n回复“取消”可以放弃。"
REMIND_SUMMARY = "信息都已填好，只差最后一步：回复 1 提交申请，2 重新填写。"
CONTINUE = "您的申请还没填完，接着来：\n"
BACK_HINT = "（回复“返回”改上一项，“取消”放弃）"

QUESTIONS = {
    "name": "请问申请人的姓名？",
    "guardian_name": "请问您（孩子的监护人）的姓名？",
    "id_number": "请输入申请人的18位身份证号码。",
    "guardian_id_number": "请输入您（监护人）的18位身份证号码。",
    "phone": ("请留一个能联系到您的电话。自己的手机、家里人的手机或座机都行。"
              "用家里人的，请说是谁的，比如：儿子 13812345678。没有电话就回复“没有”。"),
    "village": "请问户籍在哪个镇、哪个村？比如：孙疃镇秦口村。",
    "child_village": "请问孩子的户籍在哪个镇、哪个村？比如：孙疃镇秦口村。",
    "household": "家里一共几口人？回复数字，比如 3。",
    "income": "家里每月大概收入多少钱？估个数就行，比如 1500；没有收入回复“没有”，不知道回复“不知道”。",
    "situation": "请用几句话说说家里的困难（可以发语音）。回复 0 就用您刚才说的：“{said}”",
    "guardian_relation": "您和孩子是什么关系？比如：爷爷、奶奶、外婆、舅舅、村委会。",
    "child_name": "孩子叫什么名字？",
    "child_age": "孩子今年几岁？回复数字，比如 8。",
    "child_situation": "请说说孩子现在的情况：父母在哪里、谁在照顾、有没有生病或残疾。",
}
BAD_NAME = "姓名请用2到20个字，不要带数字。"
BAD_HOUSEHOLD = "请回复家里的人数，用数字，比如 3。"
BAD_INCOME = "请回复一个大概的数，比如 1500 或“一千五”；没有收入回复“没有”，不知道回复“不知道”。"
# the pre-screen after the income: plain words, never a refusal; the window decides (应保尽保)
PER_PERSON = "您家每人每月大约{amount}元"
NO_INCOME = "您说家里没有收入"
RURAL_ESTIMATE = "（按农村标准估算）"
BELOW = "{each}，低于本县{which}低保标准{line}元{estimated}，可能符合条件。能不能办还要看入户调查。\n"
ABOVE = ("{each}，高于本县{which}低保标准{line}元{estimated}。能不能办还要看入户调查（有些收入不算在内），"
         "您仍然可以申请。\n")
CLOSE = "{each}，和本县{which}低保标准{line}元差不多{estimated}。能不能办还要看入户调查，您可以申请。\n"
INCOME_NOTED = "收入记下了，工作人员会按本县标准帮您核算。\n"
INCOME_SKIPPED = "好的，收入不填也能申请，工作人员入户时会了解。\n"
BAD_SITUATION = "请再多说几句家里的情况，至少5个字。"
SUGGEST_VILLAGE = "没有找到“{said}”。您说的是不是：\n{options}\n回复数字；是第一个也可以回复“是”。都不对请再说一遍镇和村的名字。"
NO_VILLAGE = "没有找到这个村。请说镇和村的名字，比如：孙疃镇秦口村。"
ONLY_TOWNSHIP = "请问是{township}哪个村？"
PICK_VILLAGE = "您说的是哪一个？\n{options}\n回复数字即可。"
PICK_NUMBER = "请回复上面列出的数字，或者直接说名字，比如“低保”。"
PICK_EXISTING = "请回复 1、2 或 3。"
NO_PHONE_NOTED = "好的，没有电话也能申请。进度会通过微信告诉您，工作人员会通过村委会联系您或上门。"
LANDLINE_NOTED = "好的，记下座机 {number}。座机收不到短信，进度会通过微信告诉您，工作人员会打座机联系您。"
RELATIVE_NOTED = "好的，记下{whose}的手机，有消息会打这个电话或发短信。"
CONFIRM_WIPE = "确定要全部重填吗？已填的内容会全部清空。回复“是”全部重填；回复别的，已填的内容都保留。"
KEPT = "好的，已填的内容都保留着。\n"
CONFIRM_CANCEL = "您已经填了{given}项。确定不办了吗？取消后已填的内容会清空。回复 1 取消，回复 2 接着填。"
CONFIRM_RESTART = "您已经填了{given}项。确定要全部清空、从头开始吗？回复 1 从头开始，回复 2 接着填。"
CHANGE_FIELD = "好的，改{label}。"
EARLY_TAKEN = "{label}也记下了。\n"

SUMMARY = ("请核对您的申请：\n申请：{intake}\n{lines}\n回复 1 提交，2 全部重填。"
           "哪一项不对，就回复它前面的数字，或者说“改电话”“名字错了”。回复“取消”放弃。")
SUBMITTED = ("申请已提交！案件号：{case_no}（请记下，查进度要用）。\n{township}民政窗口将在{due}前决定是否受理，"
             "缺什么材料会一次性告诉您。办理时限：受理后{total}个工作日内办结。查进度请回复“进度”。")
SUBMITTED_URGENT = "您的申请已标为紧急，工作人员会尽快联系您。"
SUBMIT_FAILED = "提交没有成功：{reason}"
ATTACHED_PENDING = "收到图片，提交申请时会一起作为材料附上。"
ATTACHED = "收到图片，已作为材料附在您的申请（案件号 {case_no}）中，工作人员会看到。"
IMAGE_NO_CASE = "收到图片。如需申请救助，请先用文字或语音说说您的困难；申请提交后再发材料照片。"
OTHER_MEDIA = "收到。如需申请救助，请用文字或语音告诉我们您的困难。"
VOICE_UNCLEAR = "抱歉，没听清您说的话。请再说一遍，或者打字告诉我们。"
NEAREST = "离您最近的是{township}便民服务中心（直线约{km}公里），申请和补材料都可以去那里的民政窗口。"
NO_LOCATION_MATCH = "暂时无法根据位置判断您所在的乡镇，请直接告诉我们镇和村的名字。"

EXISTING = ("您已有一件办理中的{intake}申请（案件号 {case_no}，申请人{name}，{status}）。\n"
            "回复 1 把您刚才说的补充到这件申请，2 查询进度，3 为家里另一个人申请，“取消”放弃。")
NOTE_ADDED = "已把您说的情况补充到申请 {case_no}，工作人员会看到。"
NO_APPLICATIONS = ("没有找到与您微信绑定的申请。如果是打电话申请的，请回复“绑定”，再按提示输入案件号和身份证号后四位。")
PROGRESS_ITEM = "案件号 {case_no}（{intake}，申请人{name}）：{status}。{message}"
BIND_ASK_CASE = "请输入您的案件号（11位数字）。"
BIND_ASK_LAST4 = "请输入申请人身份证号码的后四位（打电话时没报身份证的，输入手机号后四位）。"
BIND_BAD_CASE = "案件号应为11位数字，请核对后再输入。"
BIND_DONE = "绑定成功！以后办理进度会通过微信通知您。\n{progress}"
BIND_FIRST = "还没有与您微信绑定的申请，绑定以后就能查进度。\n"
BIND_GO_ON = "要再绑定一件申请，请接着输入；不绑定了回复“取消”。\n"
BIND_FAILED = "案件号或后四位不正确，请核对后再试。回复“取消”放弃。"
BIND_TOO_MANY = "尝试次数太多，请稍后再试，或拨打 {hotline} 咨询。"
UNKNOWN_EVENT = "您好，暂不支持这个操作。需要帮助请直接发消息告诉我们。"
CONTACT = "民政救助热线：{hotline}\n办公时间：{office_hours}\n也可以到户籍所在乡镇便民服务中心民政窗口办理。"
POLICY_MENU = "您可以问我：要带什么材料？补助标准是多少？多久能办好？在哪里办？直接发问题就行。"


def question_for(step: str, said: str) -> str | None:
    """The form's question at `step`, quoting the resident's first words where it offers to reuse them."""
    if step not in QUESTIONS:
        return None
    return QUESTIONS[step].format(said=said[:30] + ("…" if len(said) > 30 else ""))
