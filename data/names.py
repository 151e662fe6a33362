"""Chinese vocabulary for generated instances: names, organisations, occupations.

Schools are real public vocational schools of Changzhou and Jiangsu; companies
are composed from word parts and fictional. People, their relations and all
numbers are invented. Occupation codes follow the 职业分类大典 (2015/2022
editions) as best known; a few may be only plausible, and nothing relies on
a code's exact meaning.
"""

from types import MappingProxyType
from typing import NamedTuple


def _pairs(text: str) -> tuple[str, ...]:
    """Split a run of two-character words."""
    return tuple(text[i : i + 2] for i in range(0, len(text), 2))


class Occupation(NamedTuple):
    """An occupation (职业/工种) with its assessment ratio and skill cluster."""

    code: str
    name: str
    candidates_per_examiner: int
    cluster: str
    weight: int  # relative number of sessions in a season


# Smaller instances take a prefix: S is a machining and electrical institution,
# M adds catering, welding, automotive and beauty, L and XL the rest.
OCCUPATIONS: tuple[Occupation, ...] = (
    Occupation("6-18-01-01", "车工", 5, "machining", 10),
    Occupation("6-31-01-03", "电工", 8, "electrical", 12),
    Occupation("6-20-01-01", "装配钳工", 5, "machining", 7),
    Occupation("6-18-01-02", "铣工", 5, "machining", 5),
    Occupation("4-03-02-01", "中式烹调师", 8, "catering", 9),
    Occupation("6-18-02-04", "焊工", 6, "machining", 7),
    Occupation("4-12-01-01", "汽车维修工", 6, "automotive", 6),
    Occupation("4-10-03-01", "美容师", 10, "beauty", 5),
    Occupation("4-03-02-02", "中式面点师", 8, "catering", 5),
    Occupation("4-10-01-05", "养老护理员", 12, "care", 6),
    Occupation("6-31-01-10", "工业机器人系统运维员", 6, "electrical", 4),
    Occupation("4-01-02-02", "电子商务师", 15, "commerce", 4),
    Occupation("4-10-03-02", "美发师", 10, "beauty", 4),
    Occupation("6-18-01-04", "磨工", 5, "machining", 3),
    Occupation("4-03-02-04", "西式面点师", 10, "catering", 3),
    Occupation("6-30-99-00", "工业机器人系统操作员", 6, "electrical", 3),
)

# Common surnames, the Changzhou ones (恽, 庄, 是, 承) included; repeated
# entries weight the draw toward the most common.
SURNAMES: tuple[str, ...] = tuple(
    "王王王李李李张张张刘刘陈陈陈杨黄赵吴吴周周徐徐孙马朱朱胡郭何高林罗郑梁谢"
    "宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蒋蔡余杜叶程苏魏吕丁任沈沈姚卢姜崔钟谭陆陆"
    "汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾顾毛郝龚邵万钱钱严"
    "武戴莫孔汤恽庄庄是承盛葛"
)

# Given names: one character, or a common two-character name of the
# generations born 1965-1995.
GIVEN_MALE: tuple[str, ...] = (
    *"伟强军勇杰磊涛斌峰超明刚平辉鹏华飞鑫波宁健俊文亮浩凯宇东林兵春国建志新海",
    *_pairs(
        "建国建华志强国平卫东海峰晓东建军永刚立新文杰俊杰志明国强伟民建平宏伟振华"
        "鹏飞明辉志刚海涛春雷德明金华建新国庆晓峰文斌永明锦华亚军"
    ),
)
GIVEN_FEMALE: tuple[str, ...] = (
    *"芳娟敏静丽艳婷霞燕玲红萍雪慧琳洁倩颖梅兰英琴云珍凤瑶佳晶丹莉",
    *_pairs(
        "秀英桂英丽华玉兰晓燕丽娟雪梅海燕静怡红梅玉梅美玲晓红慧敏淑芬秀兰春燕雅琴"
        "晓丽建英丽萍琳娜晓静文娟惠芳亚萍小燕国芳彩霞素琴"
    ),
)

# (name, clusters it trains or employs for)
SCHOOLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("江苏省常州技师学院", ("machining", "electrical", "automotive")),
    ("常州机电职业技术学院", ("machining", "electrical")),
    ("常州旅游商贸高等职业技术学校", ("catering", "beauty", "commerce")),
    ("常州交通技师学院", ("automotive", "electrical", "machining")),
    ("常州工程职业技术学院", ("electrical", "commerce")),
    ("常州卫生高等职业技术学校", ("care", "beauty")),
    ("常州刘国钧高等职业技术学校", ("machining", "electrical", "commerce")),
    ("江苏省武进职业教育中心校", ("machining", "catering", "automotive")),
    ("江苏省金坛中等专业学校", ("machining", "catering", "care")),
    ("江苏省溧阳中等专业学校", ("electrical", "catering", "beauty")),
    ("常州信息职业技术学院", ("electrical", "commerce")),
    ("常州纺织服装职业技术学院", ("commerce", "beauty")),
    ("常州工业职业技术学院", ("machining", "electrical")),
    ("常州铁道高等职业技术学校", ("electrical", "machining")),
    ("常州市高级职业技术学校", ("machining", "catering", "automotive")),
    ("江苏省武进中等专业学校", ("machining", "electrical", "care")),
    ("无锡技师学院", ("machining", "electrical")),
    ("镇江技师学院", ("machining", "automotive")),
    ("江苏省常州市武进区职业技术学校", ("catering", "care", "beauty")),
    ("常州市金坛区职业技术学校", ("electrical", "automotive")),
)

COMPANY_PLACES: tuple[str, ...] = ("常州", "武进", "新北", "天宁", "钟楼", "金坛", "溧阳")
COMPANY_BRANDS: tuple[str, ...] = _pairs(
    "恒泰华盛天宇精诚永安鼎新中联瑞达宏达金源东升龙城新科明辉博远运河创远兴业"
    "三禾亿通德润锦程长荣青枫茂林星辰凯越"
)
COMPANY_TRADES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "machining": ("精密机械", "数控机床", "轨道交通装备", "传动机械", "模具"),
        "electrical": ("电气", "电机", "智能装备", "电力设备安装"),
        "catering": ("餐饮管理", "酒店管理", "食品"),
        "beauty": ("美容美发", "形象设计"),
        "care": ("健康养老服务", "护理服务"),
        "automotive": ("汽车零部件", "汽车销售服务", "汽车维修服务"),
        "commerce": ("电子商务", "网络科技", "供应链管理"),
    }
)
COMPANY_SUFFIXES: tuple[str, ...] = ("有限公司", "有限公司", "股份有限公司", "集团有限公司")
