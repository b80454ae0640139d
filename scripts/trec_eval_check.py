#!/usr/bin/env python3
"""Compute reference metrics with trec_eval (through pytrec_eval) for the
gip-eval tests.

Usage: trec_eval_check.py QRELS RUN

QRELS is a TREC qrels file (qid 0 docid grade) and RUN a TREC run file
(qid Q0 docid rank score tag). Prints one JSON object to stdout:

    {"per_query": {qid: {measure: value}}, "mean": {measure: value}}

with the measures ndcg_cut_10, recip_rank_10, recall_10, recall_100,
map_cut_100 and P_10. Per-query values cover the queries trec_eval scores
(those in both files). Means cover every query of the qrels and count a
query missing from the run as 0, as `trec_eval -c` does.

trec_eval's recip_rank has no cutoff, so recip_rank_10 is recip_rank on the
run cut to its 10 best documents per query, ranked as trec_eval ranks them:
score descending, then document id descending.

Exits with status 3 and a message on stderr when pytrec_eval is not installed
(pip install pytrec-eval-terrier).
"""

import json
import sys

MEASURES = ["ndcg_cut_10", "recall_10", "recall_100", "map_cut_100", "P_10"]
ALL_MEASURES = MEASURES + ["recip_rank_10"]


def read_qrels(path):
    qrels = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            fields = line.split()
            if not fields:
                continue
            qid, _, docid, grade = fields
            qrels.setdefault(qid, {})[docid] = int(grade)
    return qrels


def read_run(path):
    run = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            fields = line.split()
            if not fields:
                continue
            qid, _, docid, _, score, _ = fields
            run.setdefault(qid, {})[docid] = float(score)
    return run


def cut_run(run, depth):
    """Keep each query's `depth` best documents in trec_eval's order."""
    cut = {}
    for qid, docs in run.items():
        ranked = sorted(docs.items(), key=lambda item: (item[1], item[0]), reverse=True)
        cut[qid] = dict(ranked[:depth])
    return cut


def main():
    if len(sys.argv) != 3:
        print("usage: trec_eval_check.py QRELS RUN", file=sys.stderr)
        return 2

    try:
        import pytrec_eval
    except ImportError:
        print("pytrec_eval not installed; run: pip install pytrec-eval-terrier", file=sys.stderr)
        return 3

    qrels = read_qrels(sys.argv[1])
    run = read_run(sys.argv[2])

    full = pytrec_eval.RelevanceEvaluator(qrels, set(MEASURES)).evaluate(run)
    cut = pytrec_eval.RelevanceEvaluator(qrels, {"recip_rank"}).evaluate(cut_run(run, 10))

    per_query = {}
    for qid, values in full.items():
        per_query[qid] = {measure: values[measure] for measure in MEASURES}
        per_query[qid]["recip_rank_10"] = cut[qid]["recip_rank"]

    mean = {}
    for measure in ALL_MEASURES:
        total = sum(per_query[qid][measure] for qid in qrels if qid in per_query)
        mean[measure] = total / len(qrels) if qrels else 0.0

    json.dump({"per_query": per_query, "mean": mean}, sys.stdout, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
