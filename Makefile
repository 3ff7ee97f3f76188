# forklore — the one entry point.  `make help` lists every target.
#
# The flow (DESIGN.md):  src.nw/*.nw --tangle.sh--> build/src/**  --gcc-->
# build/<arch>/forklore.elf --qemu--> serial console;  src.nw/*.nw
# --weave.sh--> build/book/.

ARCH    ?= x86_64
ARCHES  := i386 x86_64
B       := build
NW      := $(sort $(wildcard src.nw/*.nw))
INITRD  ?=
APPEND  ?=
MEM     ?= 128

ifeq ($(filter $(ARCH),$(ARCHES)),)
$(error ARCH must be one of: $(ARCHES))
endif

.PHONY: all help deps check-deps tangle kernels user run debug test test-host \
	test-guest book html pdf serve iso bench clean course course-check grade publish trace

all: kernels ## build both kernels (build/<arch>/forklore.elf)

help: ## list the targets
	@echo "forklore — make targets (ARCH=i386|x86_64, default x86_64):"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
	    sed 's/:.*## /\t/' | awk -F'\t' '{ printf "  make %-10s %s\n", $$1, $$2 }'
	@echo "Variables: ARCH=$(ARCH) INITRD=file.cpio APPEND='kernel args' MEM=$(MEM) (MiB)"

deps: ## install the Debian packages forklore needs (idempotent)
	@sh tools/deps.sh

# `make run` and `make test` must work on a fresh machine: install what
# is missing first, cheaply when nothing is.
check-deps:
	@sh tools/deps.sh --check 2>/dev/null || sh tools/deps.sh

# Tangling: every root chunk becomes a file under build/src.  tangle.sh
# rewrites only files whose content changed, so the compile below stays
# incremental; the stamp only tells make that tangling has run.  A file
# that no root produces any more (a chunk was renamed) is removed, or the
# build, which compiles every .c it finds, would still compile it.
$(B)/src/.stamp: $(NW) tangle.sh
	@mkdir -p $(B)/src
	@echo "  TANGLE $(words $(NW)) chapters -> $(B)/src"
	@./tangle.sh -v -o $(B)/src $(NW) > $(B)/tangle.log
	@sed 's/^[a-z]* //' $(B)/tangle.log | sort > $(B)/tangle.files
	@find $(B)/src -type f ! -name .stamp | sort | comm -23 - $(B)/tangle.files \
	    | while read -r f; do echo "  PRUNE $$f"; rm -f "$$f"; done
	@touch $@

tangle: $(B)/src/.stamp ## tangle src.nw/ into build/src/

kernels: $(B)/src/.stamp ## build both kernels
	@for a in $(ARCHES); do \
	    $(MAKE) --no-print-directory -f tools/kbuild.mk ARCH=$$a || exit 1; \
	done

$(B)/$(ARCH)/forklore.elf: $(B)/src/.stamp FORCE
	@$(MAKE) --no-print-directory -f tools/kbuild.mk ARCH=$(ARCH)
FORCE:

# The user programs of chapters 82-89: the in-guest tests and hello into
# build/<arch>/user/, the shell, ps and the demos into build/<arch>/bin/.
user: $(B)/src/.stamp ## build the user programs for ARCH (build/<arch>/user/ and bin/)
	@$(MAKE) --no-print-directory -f tools/userbuild.mk ARCH=$(ARCH)

# Without INITRD=, `make run` boots this one: /init is the shell of
# chapter 82, /bin holds it with ps, the demos and hello, and every test
# program is in / too, to be run from the shell or as PID 1 with
# APPEND='rdinit=/identity'.  The wildcards are expanded when the recipe
# runs, after `user` has built the programs.
RUN_INITRD := $(or $(INITRD),$(B)/$(ARCH)/initramfs.cpio)
$(B)/$(ARCH)/initramfs.cpio: user FORCE
	@sh tools/mkinitramfs.sh $@ --init $(B)/$(ARCH)/bin/sh \
	    --dir bin $$(ls $(B)/$(ARCH)/bin/*) --dir / $$(ls $(B)/$(ARCH)/user/*)

run: check-deps $(B)/$(ARCH)/forklore.elf $(RUN_INITRD) ## boot ARCH in QEMU, console on this terminal (Ctrl-A X quits)
	@sh tools/qemu.sh --arch $(ARCH) --kernel $(B)/$(ARCH)/forklore.elf \
	    --mem $(MEM) --initrd $(RUN_INITRD) \
	    $(if $(APPEND),--append "$(APPEND)") --interactive

debug: $(B)/$(ARCH)/forklore.elf $(RUN_INITRD) ## start QEMU halted with its gdb stub; prints the gdb command
	@echo "In another terminal:"
	@echo "  gdb -q $(B)/$(ARCH)/forklore.elf -ex 'target remote :1234'"
	@sh tools/qemu.sh --arch $(ARCH) --kernel $(B)/$(ARCH)/forklore.elf \
	    --mem $(MEM) --initrd $(RUN_INITRD) \
	    $(if $(APPEND),--append "$(APPEND)") --interactive --gdb

test: check-deps ## run every test: host checks, then both kernels under QEMU
	@sh tests/run.sh

# The benchmarks of the appendix src.nw/97-bench.nw: forklore against
# Debian's Linux 6.1 (fetched into build/bench/linux/, never installed),
# both arches, plain TCG and icount; tables and plot in build/bench/.
# QUICK=1: few round trips, forklore only, into build/bench/quick/.
QUICK ?=
bench: check-deps ## measure the fork path against Linux 6.1 (build/bench/results.md; QUICK=1 for a short forklore-only run)
	@sh tools/bench.sh $(if $(QUICK),--quick)

# One weave for both: weave.sh makes the PDF in the background while it
# renders the HTML pages (`make html pdf` weaves twice, one after the other).
book: trace ## weave the book (HTML and PDF) into build/book/
	./weave.sh -o $(B)/book $(NW)

# What really ran in one clone3 (tools/trace.sh): an instrumented kernel
# in build/x86_64-trace/, one QEMU boot, its call tree in build/trace/.
# The weave shows it (appendix on figures) whenever build/trace/ has it.
trace: $(B)/src/.stamp ## trace one clone3(CLONE_PIDFD) in QEMU into build/trace/ (for the book)
	@sh tools/trace.sh

html: ## weave the HTML book into build/book/html/
	./weave.sh --html -o $(B)/book $(NW)

# The site over HTTP on localhost (search needs HTTP, not file://);
# weaves it first if it is not there.  PORT=8000 by default.
PORT    ?= 8000
serve: ## serve the HTML book on http://127.0.0.1:PORT/ (PORT=8000; weaves it first if needed)
	@[ -f $(B)/book/html/index.html ] || $(MAKE) --no-print-directory html
	@echo "  SERVE http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	@cd $(B)/book/html && python3 -m http.server $(PORT) --bind 127.0.0.1

pdf: ## weave the PDF book into build/book/forklore.pdf
	./weave.sh --pdf -o $(B)/book $(NW)

# Course overlays (book/courses/<course>/, tools/course.sh; the guide
# is the appendix src.nw/98-courses.nw).  COURSE names the overlay;
# UPDATE=1 stores new fingerprints after review; SOLUTION=1 grades the
# exercise's reference solution in a scratch copy of the tree;
# SOLUTIONS=1 publishes the edition with every solution (for staff);
# KEEP_GOING=1 weaves despite dangling anchors.
COURSE   ?=
EXERCISE ?=
course: ## weave COURSE=name (HTML and PDF) into build/course/<name>/book/
	@sh tools/course.sh weave "$(COURSE)"

course-check: ## report COURSE's dangling anchors and changed chunks (UPDATE=1 stores fingerprints)
	@sh tools/course.sh check "$(COURSE)" $(if $(filter 1,$(UPDATE)),--update)

grade: ## grade COURSE's EXERCISE in QEMU (SOLUTION=1: the reference solution)
	@sh tools/course.sh grade "$(COURSE)" "$(EXERCISE)" $(if $(filter 1,$(SOLUTION)),--solution)

publish: ## COURSE's site, PDF and tarball into build/publish/<name>/ (SOLUTIONS=1: <name>-solutions/)
	@$(if $(filter 1,$(SOLUTIONS)),COURSE_SOLUTIONS=1) sh tools/course.sh publish "$(COURSE)"

iso: kernels ## a GRUB ISO that boots either kernel (build/forklore.iso)
	@sh tools/mkiso.sh $(B)

clean: ## remove build/
	rm -rf $(B)
