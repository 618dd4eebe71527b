# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run stop test bench bench-search

run:
	./deploy/bin/run

stop:
	./deploy/bin/stop

test:
	./deploy/bin/test $(ARGS)

# Benchmarks. bench-search: Thai search relevance, ours against CKAN's stock schema (bench/README.md).
bench: bench-search

bench-search:
	./deploy/bin/bench-search $(ARGS)
