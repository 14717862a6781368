"""Deterministic, varied test texts: ASCII prose, case, accents, CJK, emoji, code, JSON,
whitespace runs, control characters, and texts longer than the 256-token limit."""
import random

WORDS = ("the a flight hotel booking weather paris tokyo invoice refund customer order status "
         "summarize classify extract translate email meeting tomorrow monday price total amount "
         "database query error stack trace python swift function argument schema json user "
         "assistant tool call result search find list create delete update ticket priority high "
         "low medium report quarterly revenue growth percent running jumped unbelievable "
         "internationalization antidisestablishmentarianism").split()
EXTRAS = ["café", "naïve", "Ångström", "résumé", "Zürich", "São Paulo", "Straße", "ΑΒΓ δέλτα", "Ελληνικά",
          "中文分词测试", "日本語のテキスト", "한국어 문장", "مرحبا بالعالم", "Привет, мир", "👍🏽", "🚀✨",
          "e\u0301tude", "ﬁnance", "x²+y³", "½ ¾", "—", "…", "«quoted»", "$100.50", "50%", "#hashtag",
          "@mention", "user@example.com", "https://example.com/a?b=c&d=e", "C++", "foo_bar-baz",
          "\u200bzero\u200bwidth", "tab\tseparated", "line\nbreak", "ctrl\x07char", "İstanbul", "ΣΊΣΥΦΟΣ"]
CODE = ['def f(x):\n    return x * 2', '{"name": "get_weather", "arguments": {"city": "Paris"}}',
        'SELECT * FROM users WHERE id = 42;', 'let x: [Int] = [1, 2, 3]', '<div class="a">hi</div>']


def varied_texts(count=1000, seed=7):
    rng = random.Random(seed)
    texts = ["", " ", "Hello, world!", "HELLO WORLD", "hello world"]
    while len(texts) < count:
        kind = rng.random()
        if kind < 0.45:
            n = rng.randint(1, 40)
            words = [rng.choice(WORDS) for _ in range(n)]
            if rng.random() < 0.5:
                words = [w.capitalize() if rng.random() < 0.3 else w for w in words]
            text = " ".join(words) + rng.choice([".", "?", "!", "", "..."])
        elif kind < 0.7:
            parts = [rng.choice(WORDS + EXTRAS) for _ in range(rng.randint(1, 25))]
            text = rng.choice([" ", "  ", " \t", "\n", ", "]).join(parts)
        elif kind < 0.82:
            text = rng.choice(CODE) + " " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 10)))
        elif kind < 0.86:
            # Longer than max_seq_length: exercises truncation.
            text = " ".join(rng.choice(WORDS + EXTRAS) for _ in range(rng.randint(150, 300)))
        else:
            text = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789 .,;:!?'\"()-") for _ in range(rng.randint(1, 200)))
        texts.append(text)
    return texts[:count]
