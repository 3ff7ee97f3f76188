# tools/userbuild.mk — build the in-guest test programs for one architecture.
#
#   make -f tools/userbuild.mk ARCH=i386|x86_64
#
# Assumes the tree is tangled (`make tangle`).  Every
# build/src/tools/testing/selftests/forklore/*.c except hello.c is a test
# program written against our own small C library, build/src/tools/include/
# nolibc (chapter 85-nolibc.nw); each becomes build/<arch>/user/<name>, a
# static, freestanding ELF binary that prints TAP.  hello.c is the one
# ordinary C program, which prints "hello, forklore" and no TAP: it is
# built against nolibc too (build/<arch>/user/hello), and on x86_64 also
# with musl-gcc -static into build/x86_64/user/hello-musl.
#
# -nostdinc and -nostdlib keep the host's C library out entirely; -lgcc
# brings back gcc's own run-time helpers (64-bit division on i386).
# SRC and OUT may be overridden, e.g. to build a privately tangled tree.
#
# The programs to play with (chapters 82-shell.nw and 83-demos.nw: the
# shell, ps and the demonstrations) are not tests, and live apart, in
# build/src/tools/forklore/; they become build/<arch>/bin/<name> with the
# same flags, and hello is copied beside them, so that bin/ is the
# /bin of the initramfs `make run` boots.

ARCH ?= x86_64
B    := build
SRC  ?= $(B)/src
OUT  ?= $(B)/$(ARCH)/user
BIN  ?= $(B)/$(ARCH)/bin

TESTDIR := $(SRC)/tools/testing/selftests/forklore
NOLIBC  := $(SRC)/tools/include/nolibc
HEADERS := $(wildcard $(NOLIBC)/*.h $(NOLIBC)/asm/*.h)
PROGS   := $(basename $(notdir $(wildcard $(TESTDIR)/*.c)))
PLAYDIR := $(SRC)/tools/forklore
PLAY    := $(basename $(notdir $(wildcard $(PLAYDIR)/*.c)))

ifeq ($(ARCH),x86_64)
CFLAGS_ARCH := -m64
EXTRA       := $(OUT)/hello-musl
else ifeq ($(ARCH),i386)
CFLAGS_ARCH := -m32 -march=i686
EXTRA       :=
else
$(error ARCH must be i386 or x86_64)
endif

CC      := gcc
MUSLCC  := musl-gcc
CFLAGS  := $(CFLAGS_ARCH) -std=gnu11 -static -nostdlib -nostdinc \
	-ffreestanding -fno-pic -no-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -O2 -g -Wall -Wextra -Werror \
	-I$(NOLIBC)
LDLIBS  := -lgcc

.PHONY: all
all: $(addprefix $(OUT)/,$(PROGS)) $(EXTRA) \
	$(addprefix $(BIN)/,$(PLAY)) $(BIN)/hello

ifeq ($(PROGS),)
$(error no test programs in $(TESTDIR): run `make tangle` first)
endif

$(OUT)/%: $(TESTDIR)/%.c $(HEADERS)
	@mkdir -p $(OUT)
	@echo "  CC [$(ARCH)] $@"
	@$(CC) $(CFLAGS) $< -o $@ $(LDLIBS)

$(OUT)/hello-musl: $(TESTDIR)/hello.c
	@mkdir -p $(OUT)
	@echo "  MUSLCC $@"
	@$(MUSLCC) -static -O2 -Wall -Wextra -Werror $< -o $@

$(BIN)/%: $(PLAYDIR)/%.c $(HEADERS)
	@mkdir -p $(BIN)
	@echo "  CC [$(ARCH)] $@"
	@$(CC) $(CFLAGS) $< -o $@ $(LDLIBS)

$(BIN)/hello: $(OUT)/hello
	@mkdir -p $(BIN)
	@cp $< $@
