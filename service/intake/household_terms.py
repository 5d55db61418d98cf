"""The words of casework as codes and the Chinese staff read: relations, exclusions, income and asset kinds.

Pure data, read by the standards, the means test, the use cases and the pages, so each label lives once.
"""

AREAS = {"rural": "农村", "urban": "城市"}

RELATIONS = {
    "self": "本人", "spouse": "配偶", "child": "子女", "parent": "父母", "grandparent": "（外）祖父母",
    "grandchild": "（外）孙子女", "sibling": "兄弟姐妹", "child_in_law": "儿媳、女婿", "other": "其他共同生活人员",
}

# DOMAIN.md: members serving a sentence, in compulsory drug rehabilitation, or clergy apart 3+ years are not counted.
EXCLUSIONS = {
    "prison": "正在服刑", "compulsory_rehab": "强制隔离戒毒", "clergy": "宗教教职人员，离家3年以上",
    "other": "其他不计入情形",
}

CARE_LEVELS = {"able": "自理", "partial": "半自理", "unable": "不能自理"}

# Flags the means test reads; each is a yes/no on a member.
MEMBER_FLAGS = {
    "disability_grade_1_2": "一、二级残疾", "grave_illness": "重病", "in_school": "在校学生",
    "aged_60_plus": "60周岁以上", "unable_to_work": "无劳动能力",
}

# How a kind of income is counted: "wage" after the employment-cost deduction, "net" as income minus costs,
# "transfer" and "other" as received. Whether a kind is exempt is the county's choice (standards.exempt_kinds).
INCOME_KINDS = {
    "wages": ("工资性收入", "wage"),
    "business": ("经营净收入", "net"),
    "farming": ("种植养殖净收入", "net"),
    "property": ("财产净收入（租金、利息等）", "net"),
    "pension": ("养老金、退休金", "transfer"),
    "maintenance": ("赡养费、抚养费、扶养费", "transfer"),
    "transfer_other": ("其他转移性收入", "transfer"),
    "social_assistance": ("其他社会救助金", "transfer"),
    "disability_subsidy": ("残疾人两项补贴", "transfer"),
    "special_care": ("优抚金", "transfer"),
    "scholarship": ("奖学金、助学金", "transfer"),
    "reward": ("奖励金（见义勇为等）", "transfer"),
    "family_planning": ("计划生育奖励扶助金", "transfer"),
    "elderly_allowance": ("高龄津贴", "transfer"),
    "other": ("其他收入", "other"),
}
INCOME_LABELS = {code: label for code, (label, _category) in INCOME_KINDS.items()}

PERIODS = {"month": "每月", "year": "每年"}

ASSET_KINDS = {
    "deposit": "存款及有价证券", "vehicle": "机动车", "home": "住房",
    "commercial_property": "商业用房（商铺、厂房、办公用房）",
}
VEHICLE_PURPOSES = {"private": "自用车辆", "disability": "残疾人功能性补偿代步车", "work_tool": "谋生工具（如农用车、营运车辆）"}

# 临时救助: amount as a multiple of the monthly 低保 standard by how grave the hardship is.
SEVERITIES = {"minor": "一般", "serious": "较重", "grave": "严重"}
