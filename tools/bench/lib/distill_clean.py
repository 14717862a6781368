"""tools/bench/distill-clean: our stage-one engines vs datasketch and Presidio (see the shell script)."""
import argparse
import json
import logging
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

WORD = re.compile(rb"[A-Za-z0-9\x80-\xff]+")


def shingles(text, n=3):
    """Word 3-gram shingles, lowercased; the same tokenization as the Swift Shingler."""
    words = [w.lower() for w in WORD.findall(text.encode())]
    if not words:
        return set()
    return {b" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}


# ---------------------------------------------------------------------------------------------
# (a) near duplicates


def dedup_corpus(fake, rng, bases):
    texts, groups = [], []
    for _ in range(bases):
        base = " ".join(fake.paragraph(nb_sentences=rng.randint(4, 9)).split())
        group = [len(texts)]
        texts.append(base)
        if rng.random() < 0.25:
            for _ in range(rng.randint(1, 3)):
                words = base.split()
                for _ in range(rng.randint(0, 2)):
                    op = rng.random()
                    i = rng.randrange(len(words))
                    if op < 0.4:
                        words[i] = fake.word()
                    elif op < 0.7:
                        words.insert(i, fake.word())
                    elif len(words) > 5:
                        del words[i]
                if rng.random() < 0.5:
                    words.append(fake.word())
                group.append(len(texts))
                texts.append(" ".join(words))
        groups.append(group)
    return texts, groups


def truth_pairs(texts, groups, threshold):
    sets = [shingles(t) for t in texts]
    truth = set()
    for group in groups:
        for a in range(len(group)):
            for b in range(a + 1, len(group)):
                i, j = group[a], group[b]
                inter = len(sets[i] & sets[j])
                if inter / len(sets[i] | sets[j]) >= threshold:
                    truth.add((i, j))
    return truth


def prf(found, truth):
    tp = len(found & truth)
    p = tp / len(found) if found else 1.0
    r = tp / len(truth) if truth else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1


def run_datasketch(texts, threshold, num_perm):
    from datasketch import MinHash, MinHashLSH

    start = time.process_time()
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes = []
    for i, text in enumerate(texts):
        m = MinHash(num_perm=num_perm)
        m.update_batch(list(shingles(text)))
        hashes.append(m)
        lsh.insert(i, m)
    pairs = set()
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    return time.process_time() - start, pairs


def run_ours(binary, path, threshold, num_perm):
    result = subprocess.run([binary, "distill", "probe", "dedup", "--input", str(path), "--threshold", str(threshold),
                             "--num-perm", str(num_perm)], check=True, capture_output=True, text=True)
    answer = json.loads(result.stdout)
    return answer["cpu_seconds"], {tuple(p) for p in answer["pairs"]}


def bench_dedup(args, fake, rng):
    texts, groups = dedup_corpus(fake, rng, 600 if args.quick else 4000)
    path = Path(args.out) / "dedup.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
    truth = truth_pairs(texts, groups, args.threshold)
    ours, theirs = [], []
    for _ in range(args.repeat):
        seconds, our_pairs = run_ours(args.binary, path, args.threshold, args.num_perm)
        ours.append(seconds)
        seconds, their_pairs = run_datasketch(texts, args.threshold, args.num_perm)
        theirs.append(seconds)
    mb = sum(len(t.encode()) for t in texts) / 1e6
    rows = []
    for name, times, pairs in (("understudy", ours, our_pairs), ("datasketch", theirs, their_pairs)):
        p, r, f1 = prf(pairs, truth)
        t = statistics.median(times)
        rows.append((name, t, len(texts) / t, mb / t, p, r, f1))
    print(f"\n(a) near-duplicate detection: {len(texts)} texts ({mb:.1f} MB), {len(truth)} true pairs "
          f"(Jaccard >= {args.threshold} on word 3-shingles), num_perm={args.num_perm}, median of {args.repeat}; "
          "CPU seconds of the engine (this 2-core machine is shared, wall time measures the neighbours)")
    print(f"{'engine':<12} {'cpu s':>8} {'docs/s':>10} {'MB/s':>8} {'precision':>9} {'recall':>7} {'F1':>6}")
    for name, t, dps, mbs, p, r, f1 in rows:
        print(f"{name:<12} {t:>8.3f} {dps:>10.0f} {mbs:>8.2f} {p:>9.3f} {r:>7.3f} {f1:>6.3f}")
    speedup = rows[1][1] / rows[0][1]
    print(f"speed ratio understudy/datasketch: {speedup:.1f}x (target >= 10x); "
          f"F1 {rows[0][6]:.3f} vs {rows[1][6]:.3f} (target: >=)")
    return speedup >= 10 and rows[0][6] >= rows[1][6]


# ---------------------------------------------------------------------------------------------
# (b) anonymization

def api_key(rng):
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    pick = lambda n, chars=alnum: "".join(rng.choice(chars) for _ in range(n))
    return rng.choice([
        lambda: "sk-proj-" + pick(40), lambda: "sk-" + pick(48), lambda: "sk-ant-api03-" + pick(60, alnum + "-_"),
        lambda: "AKIA" + pick(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), lambda: "ghp_" + pick(36),
        lambda: "xoxb-" + pick(12, "0123456789") + "-" + pick(24), lambda: "AIza" + pick(35, alnum + "-_"),
        lambda: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + pick(40) + "." + pick(43, alnum + "-_"),
        lambda: "-----BEGIN PRIVATE KEY-----\n" + "\n".join(pick(64, alnum + "+/") for _ in range(3)) + "\n-----END PRIVATE KEY-----",
    ])()


def labeled_corpus(fake, rng, count):
    """Records of agent traffic with planted entities: (text, [(type, value)], is_json)."""
    records = []
    negatives = [
        lambda: f"Order #{rng.randint(100, 999)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)} shipped on {fake.date()}.",
        lambda: f"Upgrade the agent to version {rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 20)}.{rng.randint(0, 99)} tonight.",
        lambda: f"Invoice {rng.randint(10**9, 10**10 - 1)} totals ${rng.randint(10, 9999)}.{rng.randint(10, 99)}.",
        lambda: f"Build {fake.sha1()[:12]} passed {rng.randint(100, 999)} tests at {fake.time()}.",
        lambda: f"Request id {fake.uuid4()} took {rng.randint(5, 900)} ms.",
        lambda: "The Quarterly Report covers the Northwest Region and the Sales Team.",
        lambda: f"Read the docs at https://{fake.domain_name()}/guide?page={rng.randint(1, 9)}.",
    ]
    for _ in range(count):
        kind = rng.random()
        name, email, phone = fake.name(), fake.email(), fake.phone_number()
        address = fake.address()
        gold = []
        if kind < 0.35:  # JSON tool arguments
            args = {"customer_name": name, "email": email, "phone": phone, "shipping_address": address,
                    "notes": f"{rng.choice(negatives)()} Card on file {fake.credit_card_number()}."}
            cc = args["notes"].split("Card on file ")[1].rstrip(".")
            gold = [("PERSON", name), ("EMAIL", email), ("PHONE", phone), ("ADDRESS", address), ("CREDIT_CARD", cc)]
            if rng.random() < 0.3:
                key = api_key(rng)
                args["api_key"] = key
                gold.append(("SECRET", key))
            records.append((json.dumps(args), gold, True))
            continue
        parts = []
        for _ in range(rng.randint(1, 3)):
            pick = rng.randrange(11)
            if pick == 0:
                parts.append(f"Hi, I'm {name} and my email is {email}.")
                gold += [("PERSON", name), ("EMAIL", email)]
            elif pick == 1:
                parts.append(f"You can call me at {phone} after 5pm.")
                gold.append(("PHONE", phone))
            elif pick == 2:
                street = address
                parts.append(f"Please ship the replacement to {street} before Friday.")
                gold.append(("ADDRESS", street))
            elif pick == 3:
                cc = fake.credit_card_number()
                parts.append(f"Charge the card {cc}, expiry {fake.credit_card_expire()}.")
                gold.append(("CREDIT_CARD", cc))
            elif pick == 4:
                iban = fake.iban()
                parts.append(f"Refund to IBAN {iban} please.")
                gold.append(("IBAN", iban))
            elif pick == 5:
                ssn = fake.ssn()
                parts.append(f"My SSN is {ssn} for the tax form.")
                gold.append(("US_SSN", ssn))
            elif pick == 6:
                ip4, ip6 = fake.ipv4(), fake.ipv6()
                parts.append(f"The agent at {ip4} (and {ip6}) keeps timing out.")
                gold += [("IP_ADDRESS", ip4), ("IP_ADDRESS", ip6)]
            elif pick == 7:
                mac = fake.mac_address()
                parts.append(f"Device {mac} dropped off the network.")
                gold.append(("MAC_ADDRESS", mac))
            elif pick == 8:
                key = api_key(rng)
                parts.append(rng.choice(["Use this key: ", "export OPENAI_API_KEY=", "Authorization: Bearer ", "my token is "]) + key)
                gold.append(("SECRET", key))
            elif pick == 9:
                url = f"https://{fake.user_name()}:{fake.password(special_chars=False)}@{fake.domain_name()}/{fake.uri_path()}"
                parts.append(f"Clone it from {url} and run the tests.")
                gold.append(("URL", url))
            else:
                other = fake.name()
                parts.append(f"Forward this to {other}, who owns the account.")
                gold.append(("PERSON", other))
            if rng.random() < 0.5:
                parts.append(rng.choice(negatives)())
        records.append((" ".join(parts), gold, False))
    return records


PRESIDIO_TYPES = {"EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "CREDIT_CARD": "CREDIT_CARD", "IBAN_CODE": "IBAN",
                  "US_SSN": "US_SSN", "IP_ADDRESS": "IP_ADDRESS", "MAC_ADDRESS": "MAC_ADDRESS", "URL": "URL",
                  "PERSON": "PERSON", "LOCATION": "ADDRESS"}
TYPES = ["EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "US_SSN", "IP_ADDRESS", "MAC_ADDRESS", "URL", "SECRET", "PERSON", "ADDRESS"]


def norm(value):
    return re.sub(r"[^a-z0-9]", "", value.lower())


def score(records, found_per_record):
    """Value-level matching: a detection matches a planted entity of the same type when one
    value contains the other (ignoring case and punctuation)."""
    counts = {t: [0, 0, 0] for t in TYPES}  # tp, fp, fn
    for (_, gold, _), found in zip(records, found_per_record):
        # Distinct values per record on both sides: a value planted twice is one entity to find.
        gold_left = list(dict.fromkeys(gold))
        for ftype, fvalue in dict.fromkeys(found):
            if ftype not in counts:
                continue
            fv = norm(fvalue)
            match = next((g for g in gold_left if g[0] == ftype and fv and (fv in norm(g[1]) or norm(g[1]) in fv)), None)
            if match:
                counts[ftype][0] += 1
                gold_left.remove(match)
            else:
                counts[ftype][1] += 1
        for gtype, _ in gold_left:
            counts[gtype][2] += 1
    table = {}
    for t, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
        r = tp / (tp + fn) if tp + fn else 1.0
        f2 = 5 * p * r / (4 * p + r) if p + r else 0.0
        table[t] = (p, r, f2, tp + fn)
    return table


def presidio_engine():
    import tldextract
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    logging.disable(logging.WARNING)
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    class BlankSpacyEngine(SpacyNlpEngine):
        """spaCy without a trained pipeline: Presidio's en_core_web_* models are not on PyPI."""

        def __init__(self):
            super().__init__(models=[{"lang_code": "en", "model_name": "blank"}])

        def load(self):
            self.nlp = {"en": spacy.blank("en")}

    engine = BlankSpacyEngine()
    engine.load()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=engine)
    return AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])


def bench_anonymizer(args, fake, rng):
    records = labeled_corpus(fake, rng, 600 if args.quick else 4000)
    path = Path(args.out) / "pii.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t, _, _ in records))
    mb = sum(len(t.encode()) for t, _, _ in records) / 1e6
    outputs = Path(args.out) / "pii-ours.jsonl"
    ours = []
    for _ in range(args.repeat):
        result = subprocess.run([args.binary, "distill", "probe", "anonymize", "--json", "--input", str(path), "--output", str(outputs)],
                                check=True, capture_output=True, text=True)
        ours.append(json.loads(result.stdout)["cpu_seconds"])
    lines = [json.loads(line) for line in outputs.read_text().splitlines()]
    our_found = [[(t, v) for t, v in line["found"]] for line in lines]
    survived = sum(1 for (_, gold, _), line in zip(records, lines) for t, v in gold if t == "SECRET" and v in line["text"])
    planted_keys = sum(1 for _, gold, _ in records for t, _ in gold if t == "SECRET")

    analyzer = presidio_engine()
    analyzer.analyze("warm up jane@example.com", language="en")
    theirs = []
    presidio_found = []
    for _ in range(max(1, args.repeat - 2)):
        start = time.process_time()
        presidio_found = []
        for text, _, _ in records:
            results = analyzer.analyze(text, language="en", score_threshold=0.3)
            presidio_found.append([(PRESIDIO_TYPES.get(r.entity_type, r.entity_type), text[r.start:r.end]) for r in results])
        theirs.append(time.process_time() - start)

    our_table, their_table = score(records, our_found), score(records, presidio_found)
    our_t, their_t = statistics.median(ours), statistics.median(theirs)
    print(f"\n(b) anonymization: {len(records)} labeled records ({mb:.2f} MB; {sum(1 for r in records if r[2])} JSON tool "
          f"arguments), Faker en_US; Presidio {__import__('importlib.metadata').metadata.version('presidio-analyzer')}"
          " with its pattern recognizers only (no spaCy NER model on PyPI: PERSON/LOCATION need one)")
    print(f"{'entity':<12} {'n':>5} | {'ours P':>6} {'R':>6} {'F2':>6} | {'Presidio P':>10} {'R':>6} {'F2':>6}")
    for t in TYPES:
        p, r, f2, n = our_table[t]
        pp, pr, pf2, _ = their_table[t]
        print(f"{t:<12} {n:>5} | {p:>6.3f} {r:>6.3f} {f2:>6.3f} | {pp:>10.3f} {pr:>6.3f} {pf2:>6.3f}")
    print(f"throughput (CPU time) on this entity-dense corpus: understudy {mb / our_t:.1f} MB/s, Presidio {mb / their_t:.2f} MB/s "
          f"({their_t / our_t:.0f}x); median of {args.repeat} and {max(1, args.repeat - 2)} runs")
    sparse = Path(args.out) / "dedup.jsonl"
    sparse_mb = sparse.stat().st_size / 1e6
    sparse_t = []
    for _ in range(args.repeat):
        result = subprocess.run([args.binary, "distill", "probe", "anonymize", "--json", "--input", str(sparse)],
                                check=True, capture_output=True, text=True)
        sparse_t.append(json.loads(result.stdout)["cpu_seconds"])
    print(f"throughput (CPU time) on ordinary prose (the dedup corpus, few entities): understudy {sparse_mb / statistics.median(sparse_t):.1f} MB/s")
    # `distill` anonymizes conversations on every core (the corpus is the same for any thread
    # count): the wall-clock rate on this machine's cores, over ten copies of the dense corpus
    # so that thread start-up does not count.
    cores = os.cpu_count() or 1
    big = Path(args.out) / "pii-x10.jsonl"
    big.write_text(path.read_text() * 10)
    wall = {1: [], cores: []}
    for _ in range(args.repeat):
        for threads in wall:
            result = subprocess.run([args.binary, "distill", "probe", "anonymize", "--json", "--input", str(big),
                                     "--threads", str(threads)], check=True, capture_output=True, text=True)
            wall[threads].append(json.loads(result.stdout)["wall_mb_per_s"])
    wall_mb_s = statistics.median(wall[cores])
    print(f"throughput (wall clock) on the dense corpus x10: understudy {wall_mb_s:.1f} MB/s with {cores} threads on "
          f"{cores} cores, {statistics.median(wall[1]):.1f} MB/s with 1 (medians of {args.repeat}, alternated; "
          f"load average {os.getloadavg()[0]:.1f})")
    print(f"planted API keys and secrets surviving: {survived} of {planted_keys}")
    structured = [our_table[t][2] for t in TYPES if t not in ("PERSON", "ADDRESS")]
    ok = min(structured) >= 0.95 and our_table["PERSON"][2] >= 0.8 and wall_mb_s >= 20 and survived == 0
    print(f"targets: structured F2 >= 0.95 (min {min(structured):.3f}), names F2 >= 0.8 ({our_table['PERSON'][2]:.3f}), "
          f">= 20 MB/s on {cores} cores ({wall_mb_s:.1f}; one core {mb / our_t:.1f}), zero keys survive ({survived}): "
          f"{'met' if ok else 'NOT met'}")
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--num-perm", type=int, default=128)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    Path(args.out).mkdir(parents=True, exist_ok=True)
    from faker import Faker

    fake = Faker("en_US")
    Faker.seed(args.seed)
    rng = random.Random(args.seed)
    dedup_ok = bench_dedup(args, fake, rng)
    anon_ok = bench_anonymizer(args, fake, rng)
    print(f"\ndedup targets {'met' if dedup_ok else 'NOT met'}; anonymizer targets {'met' if anon_ok else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
