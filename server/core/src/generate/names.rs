//! Believable Chinese names for the sample city: communities, compounds, roads, people.
//! The stems borrow 韩城's place-name flavour; every combination is made up.

use super::rng::Rng;

pub const COMMUNITY_STEMS: &[&str] = &[
    "金城",
    "新城",
    "龙门",
    "西庄",
    "芝川",
    "板桥",
    "桑树坪",
    "龙亭",
    "芝阳",
    "嵬东",
    "昝村",
    "象山",
    "太史",
    "司马",
    "盘河",
    "薛峰",
    "英山",
    "东营",
    "北关",
    "南关",
    "西关",
    "东关",
    "文庙",
    "状元",
    "梁山",
    "党家",
    "徐村",
    "苏东",
    "周原",
    "柳枝",
    "上峪口",
    "下峪口",
    "范家",
    "庙后",
    "高门",
    "合阳",
    "渚北",
    "姚庄",
    "井溢",
    "寺庄",
    "西塬",
    "东塬",
];

const COMPOUND_ADJ: &[&str] = &[
    "金城", "龙门", "太史", "司马", "象山", "盘河", "新城", "文苑", "翠微", "御景", "华府", "阳光",
    "锦绣", "滨河", "明珠", "书香", "和谐", "丰泽", "嘉禾", "瑞景", "博雅", "秦韵", "古城", "芝川",
];
const COMPOUND_NOUN: &[&str] = &[
    "花园", "小区", "家园", "苑", "雅居", "新村", "公寓", "佳苑", "名都", "华庭", "丽景", "学府",
];

pub const ROADS: &[&str] = &[
    "金城大街",
    "太史大街",
    "龙门大道",
    "新城大街",
    "盘河路",
    "象山路",
    "东风路",
    "西环路",
    "北环路",
    "南环路",
    "司马迁路",
    "状元街",
    "学巷",
    "隍庙巷",
    "文庙巷",
    "黄河大街",
    "英山路",
    "桢州大街",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "薛", "党",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "华", "建国", "建华", "红梅", "海燕", "志强", "文博", "晓东", "春梅", "立新",
];

/// A compound name, unique per call index (adjective × noun, then a numbered phase).
pub fn compound(index: usize) -> String {
    let n = COMPOUND_ADJ.len() * COMPOUND_NOUN.len();
    let base = format!(
        "{}{}",
        COMPOUND_ADJ[index % COMPOUND_ADJ.len()],
        COMPOUND_NOUN[(index / COMPOUND_ADJ.len()) % COMPOUND_NOUN.len()]
    );
    match index / n {
        0 => base,
        phase => format!("{base}{}期", phase + 1),
    }
}

pub fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

/// An 11-digit mobile number; the store keeps only its masked form.
pub fn phone(rng: &mut Rng) -> String {
    let prefix = *rng.pick(&["138", "139", "135", "150", "187", "133", "177"]);
    format!("{prefix}{:08}", rng.next_u64() % 100_000_000)
}

pub fn address(rng: &mut Rng) -> String {
    format!("韩城市{}{}号", rng.pick(ROADS), rng.int(1, 399))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_two_hundred_and_seven_compound_names_are_all_different() {
        let names: std::collections::BTreeSet<String> = (0..207).map(compound).collect();
        assert_eq!(names.len(), 207);
    }

    #[test]
    fn generated_phones_are_valid_mobile_numbers() {
        let mut r = Rng::new(1);
        for _ in 0..100 {
            assert!(crate::domain::OfficerPhone::parse(&phone(&mut r)).is_ok());
        }
    }
}
