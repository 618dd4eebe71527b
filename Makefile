# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run stop test attack bench bench-validation bench-search bench-index bench-latency

run:
	./deploy/bin/run

stop:
	./deploy/bin/stop

test:
	./deploy/bin/test $(ARGS)

# The disclosure attack suite (tests/attack/) with many more examples than CI runs.
attack:
	THGOV_ATTACK_EXAMPLES=$${THGOV_ATTACK_EXAMPLES:-100} THGOV_ATTACK_STEPS=$${THGOV_ATTACK_STEPS:-30} \
		./deploy/bin/test tests/attack $(ARGS)

# Benchmarks: each runs the peer it is compared with in the same run (see bench/README.md).
bench: bench-validation bench-search

# Validation: thgov_validators against stock frictionless on generated Thai CSV and XLSX.
bench-validation:
	./deploy/bin/bench validation $(ARGS)

# Thai search relevance: our configset against CKAN's stock schema on real data.go.th records.
bench-search:
	./deploy/bin/bench-search $(ARGS)

# Bulk indexing: `ckan thgov search-index rebuild` against CKAN's own rebuild, generated Thai datasets.
bench-index:
	./deploy/bin/bench-index $(ARGS)

# package_search latency at 100,000 generated Thai datasets, 8 concurrent clients over HTTP.
bench-latency:
	./deploy/bin/bench-latency $(ARGS)
