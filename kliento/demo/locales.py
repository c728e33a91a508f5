"""How people, companies and addresses are written in each demo language and country.

Pure data and string building, no database: the demo steps of every app draw from it. `NAMES` and
`person_name` name the demo's users; the larger pools built on them name a million customers,
each non-Latin name with a simple Latin spelling for the email addresses derived from it.
"""

# ruff: noqa: RUF001 (the Russian words here are meant to be written in Cyrillic)

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

import phonenumbers

# Share of each language among demo customers.
LANGUAGE_WEIGHTS = {"en": 30, "es": 20, "zh-hans": 15, "ar": 12, "ru": 12, "fil": 11}

# Given and family names by language, written as people of that language write them.
NAMES: dict[str, tuple[list[str], list[str]]] = {
    "en": (
        ["Emma", "Oliver", "Ava", "James", "Sophia", "Liam"],
        ["Smith", "Johnson", "Brown", "Taylor", "Clark"],
    ),
    "zh-hans": (["伟", "芳", "娜", "敏", "静", "磊", "洋"], ["王", "李", "张", "刘", "陈", "杨"]),
    "ar": (
        ["محمد", "فاطمة", "أحمد", "ليلى", "يوسف", "مريم"],
        ["العلي", "الحسن", "المصري", "الخطيب", "الشامي"],
    ),
    "fil": (
        ["Juan", "Maria", "Jose", "Andrea", "Paolo", "Ligaya"],
        ["Santos", "Reyes", "Cruz", "Bautista", "Garcia"],
    ),
    "es": (
        ["Lucía", "Mateo", "Sofía", "Hugo", "Valentina", "Diego"],
        ["García", "Martínez", "López", "Sánchez"],
    ),
    "ru": (
        ["Анна", "Иван", "Мария", "Дмитрий", "Ольга", "Сергей"],
        ["Иванов", "Смирнова", "Кузнецов", "Попова"],
    ),
}


def person_name(rng: random.Random, language: str) -> str:
    given, family = NAMES[language]
    first, last = rng.choice(given), rng.choice(family)
    # Chinese names are written family name first, without a space.
    return f"{last}{first}" if language == "zh-hans" else f"{first} {last}"


class Name(NamedTuple):
    native: str
    latin: str  # lower-case ASCII letters only, for email addresses


class PersonName(NamedTuple):
    first_name: str
    last_name: str
    latin_first: str
    latin_last: str


@dataclass(frozen=True)
class City:
    name: str
    region: str
    postal: str  # template: '#' is a digit, '@' a capital letter


@dataclass(frozen=True)
class Country:
    code: str
    language: str
    weight: int  # share among the countries of its language
    cities: tuple[City, ...]
    company_suffixes: tuple[str, ...]


def ascii_letters(text: str) -> str:
    """'Sofía Dela Cruz' → 'sofiadelacruz': accents dropped, only a-z kept."""
    folded = unicodedata.normalize("NFKD", text)
    return "".join(char for char in folded.lower() if "a" <= char <= "z")


def _words(text: str) -> list[str]:
    """'Mary_Grace Ana' → ['Mary Grace', 'Ana']."""
    return [word.replace("_", " ") for word in text.split()]


_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        _words("a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya"),
        strict=True,
    )
)


def cyrillic_to_latin(text: str) -> str:
    latin = "".join(_CYRILLIC.get(char, char) for char in text.lower()).replace("-", "")
    return ascii_letters(latin)


def _pairs(text: str) -> list[Name]:
    """'伟:wei 芳:fang' → [Name('伟', 'wei'), Name('芳', 'fang')]; '_' stands for a space."""
    return [Name(*(part.replace("_", " ") for part in item.split(":"))) for item in text.split()]


def _latin(names: list[str]) -> list[Name]:
    return [Name(name, ascii_letters(name)) for name in dict.fromkeys(names)]


def _extend(language: str, index: int, extra: list[Name]) -> tuple[Name, ...]:
    """NAMES' own entries first (with their Latin forms from `extra`), then the rest of `extra`."""
    by_native = {name.native: name for name in extra}
    base = [by_native.get(native) or Name(native, ascii_letters(native)) for native in NAMES[language][index]]
    return tuple(dict.fromkeys([*base, *extra]))


# --- People ----------------------------------------------------------------------------------

_EN_GIVEN = _latin(
    _words(
        """
    Olivia Isabella Mia Charlotte Amelia Harper Evelyn Abigail Emily Ella Grace Chloe Lily Hannah
    Zoe Nora Ruby Alice Lucy Sarah Laura Rachel Megan Jessica Noah William Benjamin Lucas Henry Jack
    Daniel Michael Ethan Samuel Thomas George Harry Charlie Joseph David Matthew Andrew Ryan Adam
    Nathan Peter Mark"""
    )
)
_EN_FAMILY = _latin(
    _words(
        """
    Williams Jones Miller Davis Wilson Anderson Thomas Moore Martin Jackson Thompson White Harris
    Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker Nelson Carter Mitchell
    Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers
    Morgan Cooper Bell Ward Hughes Wood Watson Hall Bennett Gray O'Brien Fletcher"""
    )
)
_ZH_GIVEN = _pairs(
    """伟:wei 芳:fang 娜:na 敏:min 静:jing 磊:lei 洋:yang 秀英:xiuying 丽:li 强:qiang 军:jun 杰:jie
    勇:yong 艳:yan 涛:tao 明:ming 超:chao 秀兰:xiulan 霞:xia 平:ping 刚:gang 桂英:guiying 华:hua
    鹏:peng 婷:ting 玉兰:yulan 浩:hao 宇:yu 欣怡:xinyi 子涵:zihan 梓轩:zixuan 浩然:haoran
    雨桐:yutong 思远:siyuan 嘉怡:jiayi 俊杰:junjie 晓明:xiaoming 建国:jianguo 文:wen 斌:bin
    琳:lin 雪:xue 颖:ying 宁:ning 凯:kai 亮:liang 海燕:haiyan 志强:zhiqiang 佳琪:jiaqi 一鸣:yiming
    子豪:zihao 诗涵:shihan 晨:chen 博文:bowen 欣然:xinran 天佑:tianyou 若曦:ruoxi 家豪:jiahao"""
)
_ZH_FAMILY = _pairs(
    """王:wang 李:li 张:zhang 刘:liu 陈:chen 杨:yang 黄:huang 赵:zhao 吴:wu 周:zhou 徐:xu 孙:sun
    马:ma 朱:zhu 胡:hu 郭:guo 何:he 高:gao 林:lin 罗:luo 郑:zheng 梁:liang 谢:xie 宋:song 唐:tang
    许:xu 韩:han 冯:feng 邓:deng 曹:cao 彭:peng 曾:zeng 肖:xiao 田:tian 董:dong 袁:yuan 潘:pan
    于:yu 蒋:jiang 蔡:cai 余:yu 杜:du 叶:ye 程:cheng 苏:su 魏:wei 吕:lyu 丁:ding 任:ren 沈:shen
    姚:yao 卢:lu 姜:jiang 崔:cui 钟:zhong 谭:tan 陆:lu 汪:wang 范:fan 金:jin 石:shi 欧阳:ouyang"""
)
_AR_GIVEN = _pairs(
    """محمد:mohammed فاطمة:fatima أحمد:ahmed ليلى:layla يوسف:youssef مريم:maryam علي:ali عمر:omar
    خالد:khaled سارة:sara نور:nour حسن:hassan حسين:hussein إبراهيم:ibrahim عائشة:aisha زينب:zainab
    مصطفى:mostafa كريم:karim رنا:rana هدى:huda سلمى:salma طارق:tarek ياسمين:yasmin عبدالله:abdullah
    سعيد:saeed منى:mona رامي:rami دينا:dina جمال:jamal لينا:lina وليد:walid هالة:hala سامي:sami
    نادية:nadia ماجد:majed ريم:reem فيصل:faisal أمل:amal بلال:bilal جنى:jana"""
)
_AR_FAMILY = _pairs(
    """العلي:alali الحسن:alhassan المصري:almasri الخطيب:alkhatib الشامي:alshami الحربي:alharbi
    القحطاني:alqahtani الغامدي:alghamdi الزهراني:alzahrani العتيبي:alotaibi الدوسري:aldosari
    الشمري:alshammari المطيري:almutairi السيد:elsayed عبد_الرحمن:abdelrahman النجار:alnajjar
    الحداد:alhaddad التميمي:altamimi الكعبي:alkaabi المنصوري:almansouri الهاشمي:alhashimi
    الفارسي:alfarsi البلوشي:albalushi السعدي:alsaadi العمري:alomari الجابري:aljabri الإدريسي:idrissi
    بنعلي:benali العلوي:alalawi الرشيد:alrashid حداد:haddad خوري:khoury صالح:saleh عثمان:othman
    يونس:younes الأنصاري:alansari الشريف:alsharif بن_سالم:bensalem الفاسي:alfassi الكردي:alkurdi"""
)
_FIL_GIVEN = _latin(
    _words(
        """
    Mark Angelica Kristine Jerome Jasmine Rommel Rowena Ramon Lorna Rodel Maricel Arnel Jennylyn
    Bayani Dalisay Mayumi Liwayway Tala Joshua Princess Carlo Nicole Miguel Patricia Rafael Katrina
    Gabriel Bea Jericho Camille Renato Luzviminda Emmanuel Mylene Danilo Rosalinda John_Paul
    Mary_Grace Ma._Theresa"""
    )
)
_FIL_FAMILY = _latin(
    _words(
        """
    Mendoza Ocampo Aquino Ramos Villanueva Castillo Gonzales Fernandez Lopez Torres Flores Rivera
    Navarro Tolentino Manalo Dizon Pascual Salazar Mercado Aguilar Soriano Domingo Santiago Valdez Lim
    Tan Sy Macaraeg Magbanua Dimaculangan Panganiban Mangubat Lacson Soliman Cabrera Evangelista
    Padilla Gatchalian Dela_Cruz De_Leon Del_Rosario De_Guzman"""
    )
)
_ES_GIVEN = _latin(
    _words(
        """
    Martín Paula Daniel Alba Pablo Carmen Alejandro Julia Javier Elena Manuel Laura Sergio Marta
    Álvaro Irene Adrián Noelia Andrés Camila Santiago Isabella Sebastián Ximena Tomás Renata Emiliano
    Regina Joaquín Florencia Nicolás Mariana Gabriel Daniela Rodrigo Ana Fernando Claudia Ignacio
    Guadalupe"""
    )
)
_ES_FAMILY = _latin(
    _words(
        """
    González Rodríguez Fernández Pérez Gómez Martín Jiménez Ruiz Hernández Díaz Moreno Muñoz
    Álvarez Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco
    Molina Morales Suárez Ortega Delgado Castro Ortiz Rubio Marín Sanz Núñez Iglesias Medina Garrido
    Cortés Castillo Santos Lozano Guerrero Cano Prieto Méndez Cruz Flores Herrera Peña León Márquez
    Cabrera Vega Fuentes Carrasco Reyes Aguilar"""
    )
)
_RU_FEMALE = _words(
    """
    Анна Мария Ольга Елена Наталья Татьяна Ирина Светлана Екатерина Юлия Дарья Алина Виктория
    Ксения Полина Алёна Марина Людмила Галина Вера Надежда Софья Валерия Евгения Кристина
    Анастасия"""
)
_RU_MALE = _words(
    """
    Иван Дмитрий Сергей Александр Андрей Алексей Максим Михаил Артём Евгений Николай Владимир
    Павел Роман Олег Игорь Константин Кирилл Егор Антон Виктор Юрий Денис Георгий Фёдор Тимофей
    Глеб"""
)
# Masculine forms; the feminine is derived (Иванов → Иванова, Успенский → Успенская).
_RU_FAMILY = _words(
    """
    Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов
    Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров
    Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов
    Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов
    Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов
    Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов Шевченко Ким
    Бондаренко Коваленко Успенский Вишневский Островский Белецкий"""
)

GIVEN_NAMES: dict[str, tuple[Name, ...]] = {
    "en": _extend("en", 0, _EN_GIVEN),
    "zh-hans": _extend("zh-hans", 0, _ZH_GIVEN),
    "ar": _extend("ar", 0, _AR_GIVEN),
    "fil": _extend("fil", 0, _FIL_GIVEN),
    "es": _extend("es", 0, _ES_GIVEN),
}
FAMILY_NAMES: dict[str, tuple[Name, ...]] = {
    "en": _extend("en", 1, _EN_FAMILY),
    "zh-hans": _extend("zh-hans", 1, _ZH_FAMILY),
    "ar": _extend("ar", 1, _AR_FAMILY),
    "fil": _extend("fil", 1, _FIL_FAMILY),
    "es": _extend("es", 1, _ES_FAMILY),
}
RUSSIAN_GIVEN: dict[bool, tuple[Name, ...]] = {  # by is_female
    True: tuple(Name(name, cyrillic_to_latin(name)) for name in _RU_FEMALE),
    False: tuple(Name(name, cyrillic_to_latin(name)) for name in _RU_MALE),
}
RUSSIAN_FAMILY = tuple(Name(name, cyrillic_to_latin(name)) for name in _RU_FAMILY)


def russian_feminine(family: str) -> str:
    if family.endswith(("ский", "цкий")):
        return family[:-2] + "ая"
    if family.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return family + "а"
    return family  # Шевченко, Ким: the same for everyone


def person(rng: random.Random, language: str) -> PersonName:
    """A plausible name as people of that language write it, with a Latin spelling."""
    if language == "ru":
        is_female = rng.random() < 0.5
        given, family = rng.choice(RUSSIAN_GIVEN[is_female]), rng.choice(RUSSIAN_FAMILY)
        last = russian_feminine(family.native) if is_female else family.native
        return PersonName(given.native, last, given.latin, cyrillic_to_latin(last))
    given, family = rng.choice(GIVEN_NAMES[language]), rng.choice(FAMILY_NAMES[language])
    if language == "es":  # two family names: the father's, then the mother's
        second = rng.choice(FAMILY_NAMES["es"])
        if second != family:
            return PersonName(given.native, f"{family.native} {second.native}", given.latin, family.latin)
    return PersonName(given.native, family.native, given.latin, family.latin)


# --- Places ----------------------------------------------------------------------------------


def _cities(text: str) -> tuple[City, ...]:
    """'New York|NY|100## Chicago|IL|606##' with '_' for spaces inside a name."""
    return tuple(City(*(part.replace("_", " ") for part in item.split("|"))) for item in text.split())


COUNTRIES: dict[str, tuple[Country, ...]] = {
    "en": (
        Country(
            "US", "en", 60,
            _cities("New_York|NY|100## Chicago|IL|606## Austin|TX|787## Seattle|WA|981## Boston|MA|021##"
                    " Denver|CO|802## Atlanta|GA|303##"),
            ("Inc.", "LLC", "Co."),
        ),
        Country(
            "GB", "en", 25,
            _cities("London|England|E#_#@@ Manchester|England|M#_#@@ Leeds|England|LS#_#@@"
                    " Bristol|England|BS#_#@@ Edinburgh|Scotland|EH#_#@@"),
            ("Ltd", "PLC", "& Co. Ltd"),
        ),
        Country(
            "AU", "en", 15,
            _cities("Sydney|NSW|2### Melbourne|VIC|3### Brisbane|QLD|4### Perth|WA|6###"),
            ("Pty Ltd",),
        ),
    ),
    "zh-hans": (
        Country(
            "CN", "zh-hans", 90,
            _cities("北京|北京市|100### 上海|上海市|200### 广州|广东省|510### 深圳|广东省|518###"
                    " 杭州|浙江省|310### 成都|四川省|610### 南京|江苏省|210###"),
            ("有限公司", "股份有限公司"),
        ),
        Country("SG", "zh-hans", 10, _cities("新加坡|新加坡|######"), ("私人有限公司",)),
    ),
    "ar": (
        Country("AE", "ar", 30, _cities("دبي|دبي| أبوظبي|أبوظبي| الشارقة|الشارقة|"), ("ذ.م.م",)),
        Country(
            "SA", "ar", 30,
            _cities("الرياض|منطقة_الرياض|11### جدة|منطقة_مكة_المكرمة|21### الدمام|المنطقة_الشرقية|32###"),
            ("",),
        ),
        Country("EG", "ar", 25, _cities("القاهرة|القاهرة|11### الإسكندرية|الإسكندرية|21###"), ("ش.م.م",)),
        Country(
            "MA", "ar", 15,
            _cities("الدار_البيضاء|الدار_البيضاء-سطات|20### الرباط|الرباط-سلا-القنيطرة|10###"),
            ("ش.م.م",),
        ),
    ),
    "fil": (
        Country(
            "PH", "fil", 100,
            _cities("Maynila|Metro_Manila|1### Quezon_City|Metro_Manila|11## Makati|Metro_Manila|12##"
                    " Cebu_City|Cebu|6000 Davao_City|Davao_del_Sur|8000 Iloilo_City|Iloilo|5000"),
            ("Inc.", "Corporation", "Co.", "Enterprises"),
        ),
    ),
    "es": (
        Country(
            "ES", "es", 40,
            _cities("Madrid|Madrid|280## Barcelona|Cataluña|080## Valencia|Comunidad_Valenciana|460##"
                    " Sevilla|Andalucía|410## Bilbao|País_Vasco|480##"),
            ("S.L.", "S.A."),
        ),
        Country(
            "MX", "es", 30,
            _cities("Ciudad_de_México|CDMX|06### Guadalajara|Jalisco|44### Monterrey|Nuevo_León|64###"
                    " Puebla|Puebla|72###"),
            ("S.A. de C.V.", "S. de R.L. de C.V."),
        ),
        Country(
            "AR", "es", 15,
            _cities("Buenos_Aires|CABA|C1###@@@ Córdoba|Córdoba|X5000@@@ Rosario|Santa_Fe|S2000@@@"),
            ("S.A.", "S.R.L."),
        ),
        Country("CO", "es", 15, _cities("Bogotá|Bogotá_D.C.|110### Medellín|Antioquia|050###"), ("S.A.S.",)),
    ),
    "ru": (
        Country(
            "RU", "ru", 85,
            _cities("Москва|Москва|1#####  Санкт-Петербург|Санкт-Петербург|19####"
                    " Новосибирск|Новосибирская_область|630### Екатеринбург|Свердловская_область|620###"
                    " Казань|Республика_Татарстан|420###"),
            ("ООО", "АО", "ГК"),
        ),
        Country("KZ", "ru", 15, _cities("Алматы|Алматы|050### Астана|Астана|010###"), ("ТОО", "АО")),
    ),
}  # fmt: skip


def country_for(rng: random.Random, language: str) -> Country:
    countries = COUNTRIES[language]
    return rng.choices(countries, weights=[country.weight for country in countries])[0]


COUNTRY_BY_CODE = {country.code: country for countries in COUNTRIES.values() for country in countries}


def postal_code(rng: random.Random, city: City) -> str:
    digits, letters = "0123456789", "ABDEFGHJLNPQRSTUWXYZ"
    return "".join(
        rng.choice(digits) if char == "#" else rng.choice(letters) if char == "@" else char
        for char in city.postal
    )


_STREET_NAMES = {
    "US": "Oak_Street Maple_Avenue Main_Street Park_Avenue Elm_Street Washington_Avenue Cedar_Drive"
    " Lake_Shore_Drive",
    "GB": "High_Street Church_Road Park_Lane Mill_Road Station_Road King_Street Queen's_Road Victoria_Road",
    "AU": "George_Street Collins_Street Queen_Street Hay_Street Pitt_Street Elizabeth_Street",
    "CN": "人民路 中山路 解放路 建设路 和平路 长江路 新华路 文化路 胜利路 朝阳路 青年路",
    "SG": "乌节路 维多利亚街 桥南路 牛车水路",
    "AE": "شارع_الشيخ_زايد شارع_الوصل شارع_الخليج شارع_حمدان شارع_الاتحاد",
    "SA": "شارع_الملك_فهد شارع_الملك_عبدالعزيز شارع_الأمير_سلطان شارع_التحلية شارع_العليا",
    "EG": "شارع_التحرير شارع_الجمهورية شارع_النيل شارع_الهرم شارع_بورسعيد",
    "MA": "شارع_محمد_الخامس شارع_الحسن_الثاني شارع_الزرقطوني شارع_أنفا",
    "PH": "Rizal_Avenue Mabini_Street Bonifacio_Drive Quezon_Boulevard Luna_Street Osmeña_Boulevard"
    " Magsaysay_Avenue Roxas_Boulevard Katipunan_Avenue",
    "ES": "Calle_Mayor Calle_de_Alcalá Gran_Vía Calle_Real Avenida_de_la_Constitución Calle_del_Sol",
    "MX": "Paseo_de_la_Reforma Avenida_Insurgentes Calle_Juárez Avenida_Hidalgo Calle_Morelos",
    "AR": "Avenida_Corrientes Avenida_del_Libertador Calle_San_Martín Avenida_Belgrano Calle_Florida",
    "CO": "Carrera_Séptima Calle_100 Avenida_El_Poblado Carrera_15 Calle_Bolívar",
    "RU": "ул._Ленина ул._Гагарина ул._Пушкина ул._Мира Садовая_ул. ул._Советская пр._Победы ул._Лесная",
    "KZ": "ул._Абая пр._Республики ул._Толе_би ул._Сатпаева пр._Достык",
}  # fmt: skip
_STREETS = {code: _words(names) for code, names in _STREET_NAMES.items()}
_STREET_FORMATS = {
    "en": "{number} {street}",
    "fil": "{number} {street}",
    "zh-hans": "{street}{number}号",
    "ar": "{street} {number}",
    "es": "{street}, {number}",
    "ru": "{street}, д. {number}",
}


def street(rng: random.Random, country: Country) -> str:
    name = rng.choice(_STREETS[country.code])
    return _STREET_FORMATS[country.language].format(street=name, number=rng.randint(1, 240))


# --- Phones --------------------------------------------------------------------------------

# How many trailing digits of phonenumbers' example numbers (mobile, fixed line) vary: every value
# of that many digits was checked to give a valid number of the country.
_VARYING_DIGITS = {
    "US": (6, 5), "GB": (6, 5), "AU": (6, 6), "CN": (6, 5), "SG": (6, 5), "AE": (6, 5), "SA": (6, 6),
    "EG": (6, 6), "MA": (6, 5), "PH": (6, 6), "ES": (6, 6), "MX": (6, 6), "AR": (6, 6), "CO": (6, 5),
    "RU": (6, 6), "KZ": (6, 5),
}  # fmt: skip
# Where the example mobile and fixed-line numbers share their prefix, the fixed line starts elsewhere.
_FIXED_LINE_BASE = {"US": "3125550123"}


class PhonePlan(NamedTuple):
    prefix: str  # "+1201"
    digits: int


def _phone_plan(code: str, mobile: bool) -> PhonePlan:
    kind = phonenumbers.PhoneNumberType.MOBILE if mobile else phonenumbers.PhoneNumberType.FIXED_LINE
    example = phonenumbers.example_number_for_type(code, kind)
    if example is None:
        raise ValueError(f"phonenumbers has no example number for {code}")
    national = phonenumbers.national_significant_number(example)
    if not mobile:
        national = _FIXED_LINE_BASE.get(code, national)
    digits = _VARYING_DIGITS[code][0 if mobile else 1]
    return PhonePlan(f"+{example.country_code}{national[:-digits]}", digits)


PHONE_PLANS: dict[tuple[str, bool], PhonePlan] = {
    (code, mobile): _phone_plan(code, mobile) for code in _VARYING_DIGITS for mobile in (True, False)
}


def phone_number(country: str, *, mobile: bool, serial: int) -> str:
    """A valid E.164 number of the country; distinct serials below 10**digits give distinct numbers."""
    prefix, digits = PHONE_PLANS[country, mobile]
    # 7919 is prime to 10, so this is a one-to-one shuffle of the subscriber numbers.
    return f"{prefix}{(serial * 7919 + 4111) % 10**digits:0{digits}d}"


# --- Work ------------------------------------------------------------------------------------

JOB_TITLES = {
    "en": ["Owner", "Purchasing Manager", "Office Manager", "CEO", "Sales Director", "Accountant",
           "Operations Manager", "Marketing Lead", "IT Manager", "Head of Procurement"],
    "zh-hans": ["总经理", "采购经理", "销售总监", "财务主管", "行政经理", "市场经理", "技术总监", "店长"],
    "ar": ["المدير العام", "مدير المشتريات", "مدير المبيعات", "محاسب", "مدير العمليات", "مدير التسويق"],
    "fil": ["May-ari", "Purchasing Manager", "Store Manager", "Accountant", "Operations Head", "HR Officer"],
    "es": ["Director general", "Jefa de compras", "Gerente de ventas", "Contador", "Responsable de logística",
           "Directora de marketing", "Administrador"],
    "ru": ["Генеральный директор", "Менеджер по закупкам", "Коммерческий директор", "Главный бухгалтер",
           "Руководитель отдела продаж", "Офис-менеджер", "ИТ-директор"],
}  # fmt: skip
INDUSTRIES = [
    "Retail", "Wholesale", "Manufacturing", "Logistics", "Construction", "Software", "Food & beverage",
    "Hospitality", "Healthcare", "Real estate", "Education", "Fitness", "Beauty", "Consulting", "Finance",
]  # fmt: skip

_EN_BRANDS = _latin(
    _words(
        """
    Northwind Bluefield Summit Evergreen Pioneer Redwood Silverline Brightwater Oakridge
    Harbor Granite Keystone Riverside Lighthouse Meadow Ironbridge Sterling Horizon"""
    )
)
_EN_TRADES = _words(
    "Logistics Foods Systems Consulting Supplies Motors Textiles Media Builders Analytics Outfitters"
    " Bakery Dental Fitness Realty Trading"
)
_ZH_CHARS = _pairs(
    """华:hua 金:jin 宏:hong 恒:heng 东:dong 新:xin 天:tian 博:bo 中:zhong 瑞:rui 长:chang 海:hai
    鼎:ding 永:yong 九:jiu 盛:sheng 安:an 达:da 信:xin 远:yuan 通:tong 方:fang 宇:yu 雅:ya 联:lian
    丰:feng 润:run 泰:tai 合:he 顺:shun 佳:jia 美:mei 创:chuang 康:kang"""
)
_ZH_TRADES = _words("贸易 科技 物流 食品 电子 建设 咨询 医药 文化传媒 服装 餐饮管理 健身 教育 地产")
_AR_BRANDS = _pairs(
    """النخبة:alnokhba الأفق:alofok الرواد:alrowad الخليج:alkhaleej النور:alnoor الصفوة:alsafwa
    الهلال:alhilal الأمل:alamal البيان:albayan الريادة:alriyada الواحة:alwaha السلام:alsalam
    الفجر:alfajr المستقبل:almustaqbal الإتقان:aletqan الأصالة:alasala"""
)
_AR_KINDS = ["شركة", "مؤسسة", "مجموعة"]
_AR_TRADES = _words(
    """
    للتجارة للمقاولات للتقنية للأغذية للاستشارات للنقل للأدوية للعقارات للإلكترونيات للسياحة
    للتعليم للتجميل للصناعة"""
)
_FIL_BRANDS = _latin(["Bagong Araw", "Mabuhay", "Bayanihan", "Tala", "Malaya", "Luntian", "Dakila", "Sinag",
                      "Perlas", "Pag-asa", "Silangan", "Masagana"])  # fmt: skip
_FIL_TRADES = _words(
    """
    Trading Hardware Food_Products Construction Logistics Marketing Printing Pharmacy Farms
    Motors Garments Bakeshop Resort Water_Refilling"""
)
_ES_BRANDS = _latin(
    _words(
        """
    Ibérica Andina Atlántico Horizonte Cumbre Aurora Mediterráneo Pacífico Cóndor Sierra
    Solar Alameda Levante Patagonia"""
    )
)
_ES_TRADES = _words(
    """
    Distribuciones Construcciones Transportes Alimentos Tecnologías Consultores Textiles Farmacéutica
    Inmobiliaria Servicios Ferretería Panadería Muebles Importaciones"""
)
_RU_HEADS = _words(
    """
    Север Юг Техно Гранд Альфа Вектор Восток Сибирь Нева Урал Волга Лидер Меридиан Орион Бета
    Прима Стандарт Капитал Интер Нова Глобал Спектр Атлант Импульс"""
)
_RU_TAILS = _words(
    "Строй Торг Снаб Сервис Логистик Софт Пром Маркет Фарм Инвест Трейд Авто Агро Мед Тех Проект"
)


def company_name(rng: random.Random, country: Country, city: City) -> tuple[str, str]:
    """A company name as it is written in the country, and a Latin stem for its web address."""
    language, suffix = country.language, rng.choice(country.company_suffixes)
    if language == "zh-hans":
        first, second = rng.sample(_ZH_CHARS, 2)
        place = city.name if rng.random() < 0.6 and country.code == "CN" else ""
        name = f"{place}{first.native}{second.native}{rng.choice(_ZH_TRADES)}{suffix}"
        return name, first.latin + second.latin
    if language == "ar":
        brand = rng.choice(_AR_BRANDS) if rng.random() < 0.5 else rng.choice(FAMILY_NAMES["ar"])
        name = f"{rng.choice(_AR_KINDS)} {brand.native} {rng.choice(_AR_TRADES)} {suffix}".strip()
        return name, brand.latin
    if language == "ru":
        head, tail = rng.choice(_RU_HEADS), rng.choice(_RU_TAILS)
        ru_brand = f"{head}{tail}" if rng.random() < 0.7 else f"{head}-{tail}"
        return f"{suffix} «{ru_brand}»", cyrillic_to_latin(head + tail)
    surnames, brands, trades = {
        "en": (FAMILY_NAMES["en"], _EN_BRANDS, _EN_TRADES),
        "fil": (FAMILY_NAMES["fil"], _FIL_BRANDS, _FIL_TRADES),
        "es": (FAMILY_NAMES["es"], _ES_BRANDS, _ES_TRADES),
    }[language]
    draw = rng.random()
    if draw < 0.35:
        brand = rng.choice(brands)
        owner = brand.native
        stem = brand.latin
    elif draw < 0.55:
        first, second = rng.choice(surnames), rng.choice(surnames)
        owner = f"{first.native} {'y' if language == 'es' else '&'} {second.native}"
        stem = first.latin + second.latin
    else:
        surname = rng.choice(surnames)
        owner, stem = surname.native, surname.latin
    trade = rng.choice(trades)
    words = f"{trade} {owner}" if language == "es" else f"{owner} {trade}"
    return f"{words} {suffix}".strip(), stem
