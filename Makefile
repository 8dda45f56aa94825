# Shortcuts for those who have make; the scripts do the work and need nothing but bash.
.PHONY: run test bench
run:
	./scripts/run
test:
	./scripts/test
bench:
	./scripts/bench
