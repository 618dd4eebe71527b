# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run stop test bench

run:
	./deploy/bin/run

stop:
	./deploy/bin/stop

test:
	./deploy/bin/test $(ARGS)
