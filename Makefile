# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run stop test bench bench-validation

run:
	./deploy/bin/run

stop:
	./deploy/bin/stop

test:
	./deploy/bin/test $(ARGS)

# Benchmarks: each runs the peer it is compared with in the same run (see bench/README.md).
bench: bench-validation

bench-validation:
	./deploy/bin/bench validation $(ARGS)
