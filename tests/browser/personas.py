"""Three residents and how each answers the one form by touch.

Li Ming (中文) holds a mainland ID (one ending in X, a man's), types Chinese by pinyin and
writes characters by hand; Jane Smith (English) and 김민수 (한국어) are foreign residents with
passports, so the kiosk asks them the birth date and sex a mainland ID would have told.
Each answer says how it is typed: ("keys", text) on the keyboard's own keys (capitals
with Shift), ("pinyin", [(letters, characters), ...]), ("hangul", text), ("write", char)
on the handwriting pad, ("layout", name) to switch the keyboard's layout.
"""
from dataclasses import dataclass, field

ZH_ID_WITH_X = "51010719650301105X"


@dataclass
class Persona:
    language: str
    id_type: str
    id_number: str
    phone: str
    # By field key first, then by field type: a list of typing steps.
    answers: dict
    by_type: dict
    shortcuts: set = field(default_factory=set)
    # Choices by field key; any other choice takes its first option.
    choices: dict = field(default_factory=dict)
    birth_year: str = "1980"
    fills_optional: bool = False    # most residents leave "(optional)" questions empty

    def steps(self, form_field):
        return self.answers.get(form_field.key) or self.by_type[form_field.type]


LI_MING = Persona(
    language="zh", id_type="cn_resident", id_number=ZH_ID_WITH_X, phone="13812345678",
    answers={
        "applicant_name": [("pinyin", [("li", "李"), ("ming", "明")])],
        # The child's 小 is written by hand, the rest typed by pinyin.
        "child_name": [("pinyin", [("li", "李")]), ("layout", "手写"), ("write", "小"),
                       ("layout", "拼音"), ("pinyin", [("hong", "红")])],
        # Li Ming is the father (his ID says so): "I am the father" fills his part.
        "mother_name": [("layout", "手写"), ("write", "王"), ("layout", "拼音"),
                        ("pinyin", [("fang", "芳")])],
        "mother_id_number": [("keys", "11010519491231002X")],
        "employer_name": [("pinyin", [("chengdu", "成都"), ("gongsi", "公司")])],
        "birth_hospital": [("pinyin", [("renmin", "人民"), ("yiyuan", "医院")])],
        "business_name": [("pinyin", [("xingfu", "幸福"), ("mianguan", "面馆")])],
        "signboard_text": [("pinyin", [("xingfu", "幸福"), ("mianguan", "面馆")])],
        "signboard_size": [("keys", "3"), ("pinyin", [("mi", "米")])],
        "credit_code": [("layout", "ABC"), ("keys", "91510107MA6C5F7K3Q")],
        "bank_account_number": [("keys", "6222020200012345678")],
        "new_business_scope": [("pinyin", [("canyin", "餐饮"), ("fuwu", "服务")])],
    },
    by_type={
        "name": [("pinyin", [("zhang", "张"), ("ming", "明")])],
        "text": [("pinyin", [("xingfu", "幸福")])],
        "address": [("pinyin", [("renmin", "人民"), ("lu", "路")]), ("keys", "8"),
                    ("pinyin", [("hao", "号")])],
    },
    shortcuts={"applicant_is_father", "business_at_home", "move_from_home"},
    choices={"applicant_relationship": "father"})

JANE_SMITH = Persona(
    language="en", id_type="passport", id_number="E12345678", phone="+447911123456",
    answers={
        "applicant_name": [("keys", "Jane Smith")],
        "child_name": [("keys", "Amy Smith")],
        "father_name": [("keys", "Tom Smith")],
        "father_id_number": [("keys", "E87654321")],
        "credit_code": [("keys", "91510107MA6C5F7K3Q")],
        "bank_account_number": [("keys", "6222020200012345678")],
        "signboard_size": [("keys", "3m x 1m")],
    },
    by_type={
        "name": [("keys", "Sam Smith")],
        "text": [("keys", "Happy Noodles")],
        "address": [("keys", "8 Renmin Road")],
    },
    shortcuts={"applicant_is_mother", "business_at_home", "move_from_home"},
    choices={"applicant_relationship": "mother"},
    fills_optional=True)

KIM_MINSU = Persona(
    language="ko", id_type="passport", id_number="M12345678", phone="+821012345678",
    answers={
        "applicant_name": [("hangul", "김민수")],
        "child_name": [("hangul", "김하나")],
        "mother_name": [("hangul", "이영희")],
        "mother_id_number": [("keys", "M87654321")],
        "credit_code": [("layout", "ABC"), ("keys", "91510107MA6C5F7K3Q")],
        "bank_account_number": [("keys", "6222020200012345678")],
        "signboard_size": [("keys", "3"), ("hangul", "미터")],
    },
    by_type={
        "name": [("hangul", "박지성")],
        "text": [("hangul", "행복식당")],
        "address": [("hangul", "런민로"), ("keys", " 8")],
    },
    shortcuts={"applicant_is_father", "business_at_home", "move_from_home"},
    choices={"applicant_relationship": "father"})

PERSONAS = {"zh": LI_MING, "en": JANE_SMITH, "ko": KIM_MINSU}

# Typed answers the kiosk checks, the same for everyone.
FIXED = {
    "email": [("keys", "li.ming@example.com")],
    "number": [("keys", "60")],
}
