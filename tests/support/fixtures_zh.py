"""The clean Chinese fixture series, 《怒海归途》 (see fixtures_story)."""

from __future__ import annotations

from reelwright.agents.schemas import StoryView

from .fixtures_build import beat, character, line, scene, state, with_plan


def clean_story_zh() -> StoryView:
    """Chinese: 《怒海归途》, 2 episodes (3 scenes, then 2)."""
    hai, mom, hu = "林海", "林秀兰", "赵虎"
    debt, sick, survived = "债三天后到期", "母亲病了", "林海活着回来了"
    paid, deadline, storm = "债已还清", "赵虎的三天期限", "收音机里的风暴预警"
    pier, home, sea = "码头", "林家小屋", "外海"
    bible = {
        "title": "怒海归途",
        "logline": "年轻渔夫为还母亲的债，冒着风暴出海。",
        "genre": "家庭剧",
        "tone": "粗粝、咸涩、带着希望",
        "arc": "林海从骄傲鲁莽的儿子，成长为保住家的男人。",
        "characters": [
            character(
                hai,
                22,
                "male",
                "主角",
                "保住家里的房子",
                "冲动好强",
                "他赌输了渔船的保险金",
                "晒黑的脸，黑色卷发，黄色雨衣",
                "话短，倔强",
            ),
            character(
                mom,
                51,
                "female",
                "母亲",
                "让儿子平安",
                "总是硬撑",
                "欠条是她签的",
                "灰色发辫，蓝色披肩，疲惫的眼睛",
                "温柔，爱开玩笑",
            ),
            character(
                hu,
                45,
                "male",
                "债主",
                "吞下整片码头",
                "贪婪",
                "他弄坏了林海父亲的船",
                "油亮背头，驼色大衣，金戒指",
                "客气里带着威胁",
            ),
        ],
        "relations": [
            {"a": mom, "kind": "mother", "b": hai},
            {"a": hu, "kind": "creditor", "b": hai},
        ],
        "locations": [
            {"name": pier, "look": "湿木板，生锈吊车，灰色天光"},
            {"name": home, "look": "小厨房，蓝色瓷砖，蒸汽"},
            {"name": sea, "look": "黑浪，白沫，闪电"},
        ],
    }
    ep1_scenes = {
        "scene:1.1": scene(
            (pier, False, "DAWN", 1, 5),
            "海鸥在码头上空尖叫。林海把破渔网拖上岸。赵虎从黑色轿车里走下来，转着金戒指。",
            [
                line(hu, "三天。三天后，这房子就是我的了。", "轻蔑"),
                line(hai, "钱我会还你。现在，从我的码头滚开。", "愤怒"),
                line(hu, "你爸当年也是这么说的，后来海把他带走了。", "轻蔑"),
                line(hai, "不许你提我爸！", "愤怒"),
            ],
            [
                state(
                    hai,
                    ("愤怒", -0.6, 0.7),
                    knows=[debt],
                    learns=[debt],
                    holds=["渔网"],
                    wants="还债",
                ),
                state(hu, ("得意", 0.4, 0.3), knows=[debt], holds=["金戒指"], wants="房子"),
            ],
            cause="赵虎清晨上门催债。",
            props_used=["渔网", "金戒指"],
            setups_opened=[deadline],
        ),
        "scene:1.2": scene(
            (home, True, "DAY", 1, 12),
            "锅里的鱼汤冒着热气。秀兰把带血的手帕藏进袖子。林海把帽子摔在桌上，看见了那块血迹。",
            [
                line("秀兰", "坐下吃饭，汤还热着。", "温柔"),
                line(hai, "妈，你咳血了，你瞒了我多久？", "害怕"),
                line("秀兰", "开春才有的，医生说能治。", "希望"),
                line(hai, "收音机说风暴要来了，明天谁也不敢出海。", "担心"),
            ],
            [
                state(hai, ("害怕", -0.7, 0.8), knows=[debt, sick], learns=[sick], wants="救母亲"),
                state(
                    mom,
                    ("温柔", 0.3, 0.5),
                    knows=[sick, debt],
                    holds=["带血的手帕"],
                    wants="留住儿子",
                ),
            ],
            cause="林海发现了带血的手帕。",
            props_used=["带血的手帕"],
            setups_opened=[storm],
        ),
        "scene:1.3": scene(
            (pier, False, "NIGHT", 1, 21),
            "大雨砸在空荡荡的码头上。林海用发抖的手解开缆绳。赵虎撑着黑伞在一旁看着。",
            [
                line(hu, "今晚出海？大海倒是能替我省点手续。", "冷笑"),
                line(hai, "我要是带着大金枪鱼回来，你拿钱走人，别再来找我们。", "坚定"),
                line(hu, "你要是回不来，房子照样归我。", "轻蔑"),
            ],
            [
                state(
                    hai,
                    ("坚定", -0.2, 0.9),
                    knows=[debt, sick],
                    holds=["船钥匙"],
                    wants="抓到金枪鱼",
                ),
                state(hu, ("冷笑", 0.5, 0.3), knows=[debt], holds=["金戒指", "黑伞"]),
            ],
            props_used=["船钥匙", "黑伞"],
        ),
    }
    ep2_scenes = {
        "scene:2.1": scene(
            (sea, False, "NIGHT", 2, 2),
            "黑色巨浪压向小船。林海死死握住舵轮，收音机沙沙作响。一条巨大的金枪鱼在网里翻腾。",
            [
                line(hai, "撑住，老伙计！再撑过这一个浪！", "拼命"),
                line(hai, "抓住了！我抓住大家伙了！", "狂喜"),
                line(hai, "妈，等我，我这就回家。", "希望"),
            ],
            [
                state(
                    hai,
                    ("狂喜", 0.6, 0.9),
                    knows=[debt, sick],
                    holds=["船钥匙", "收音机", "金枪鱼"],
                    wants="活着回家",
                ),
            ],
            cause="林海在风暴中心钓到了巨大的金枪鱼。",
            props_used=["收音机", "金枪鱼"],
            setups_paid=[storm],
        ),
        "scene:2.2": scene(
            (pier, False, "DAWN", 2, 6),
            "天亮了。林海把金枪鱼拖上码头。秀兰披着蓝色披肩跑下栈桥。赵虎数着钞票，嘴角一丝冷笑。",
            [
                line("秀兰", "小海！谢天谢地，你还活着！", "欣慰"),
                line(hai, "鱼贩子出了双倍的价。赵虎，一分不少，都在这儿。", "骄傲"),
                line(hu, "一分不少。真让人失望。", "苦涩"),
                line(hai, "现在离开我的码头，永远别再靠近我妈。", "愤怒"),
            ],
            [
                state(hai, ("骄傲", 0.7, 0.8), knows=[debt, sick], holds=["船钥匙"], wants="休息"),
                state(mom, ("欣慰", 0.8, 0.9), knows=[sick, survived], learns=[survived]),
                state(
                    hu,
                    ("苦涩", -0.5, 0.6),
                    knows=[debt, paid],
                    learns=[paid],
                    holds=["金戒指", "一信封钞票"],
                ),
            ],
            cause="林海活着回来，还清了全部债务。",
            props_used=["金枪鱼", "一信封钞票"],
            setups_paid=[deadline],
        ),
    }
    outline1 = {
        "title": "债",
        "hook": "赵虎的金戒指敲着林海的船：三天，不还钱就收房子。",
        "cliffhanger": "林海把小船推进漆黑的风暴，码头的灯光在身后消失。",
        "scenes": [
            beat(
                pier,
                False,
                "DAWN",
                [hai, hu],
                "赵虎限林海三天还清父亲欠下的债。",
                "林海发誓还钱。",
                ("愤怒", -0.6),
            ),
            beat(
                home,
                True,
                "DAY",
                [hai, mom],
                "林海发现母亲在咳血。",
                "林海决定冒着风暴出海。",
                ("恐惧", -0.6),
            ),
            beat(
                pier,
                False,
                "NIGHT",
                [hai, hu],
                "林海在赵虎的嘲笑中驶入风暴。",
                "再也没有退路。",
                ("不安", -0.4),
            ),
        ],
    }
    outline2 = {
        "title": "风暴",
        "hook": "一道房子那么高的浪，压向林海的小船。",
        "cliffhanger": "一辆黑色轿车停在林家门口，赵虎在笑。",
        "scenes": [
            beat(
                sea,
                False,
                "NIGHT",
                [hai],
                "林海独自在风暴里钓到巨大的金枪鱼。",
                "他有钱还债了。",
                ("震撼", 0.4),
            ),
            beat(
                pier,
                False,
                "DAWN",
                [hai, mom, hu],
                "林海回到码头，把钱一分不少还给赵虎。",
                "债没了。",
                ("扬眉吐气", 0.7),
            ),
        ],
    }
    return with_plan(
        StoryView.model_validate(
            {
                "lang": "zh",
                "bible": bible,
                "episodes": [
                    {"number": 1, "outline": outline1, "scenes": ep1_scenes},
                    {"number": 2, "outline": outline2, "scenes": ep2_scenes},
                ],
            }
        )
    )
