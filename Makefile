.PHONY: demo test setup
demo:
	bin/demo
test:
	bin/test
setup:
	bin/setup
