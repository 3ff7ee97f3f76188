# tools/kbuild.mk — compile and link one kernel from the tangled tree.
#
#   make -f tools/kbuild.mk ARCH=i386|x86_64
#
# Called by the top-level Makefile after tangling.  Which files belong to
# which architecture follows Linux's own naming: a source whose name ends
# in _32 (head_32.S, entry_32.S) is i386-only, one ending in _64 is
# x86-64-only, everything else is built for both and uses CONFIG_X86_64 /
# CONFIG_X86_32 where the two differ.
#
# Linking is done twice, the way Linux links kallsyms: the first link
# gives every instruction its final address; tools/mknwlines.sh then reads
# the DWARF line table (which #line directives point at src.nw/) and the
# symbol table, and writes them as data the kernel can search when it
# faults; the second link adds that data after all code, so no code
# address moves (checked below).

ARCH ?= x86_64
B    := build
SRC  := $(B)/src
OUT  := $(B)/$(ARCH)
OBJ  := $(OUT)/obj

KDIRS := arch drivers init kernel lib mm fs net security

ifeq ($(ARCH),x86_64)
OTHER   := 32
CFLAGS_ARCH := -m64 -mcmodel=kernel -mno-red-zone -DCONFIG_X86_64=1
CFLAGS_STACK := -mpreferred-stack-boundary=3
LDEMU   := elf_x86_64
else
OTHER   := 64
CFLAGS_ARCH := -m32 -march=i686 -DCONFIG_X86_32=1
CFLAGS_STACK := -mpreferred-stack-boundary=2
LDEMU   := elf_i386
endif

GEN     := $(OUT)/gen
ifeq ($(ARCH),x86_64)
SYSTBL  := $(SRC)/arch/x86/entry/syscalls/syscall_64.tbl
else
SYSTBL  := $(SRC)/arch/x86/entry/syscalls/syscall_32.tbl
endif

CC      := gcc
LD      := ld
CPPFLAGS := -nostdinc -I$(SRC)/include -I$(SRC)/arch/x86/include -I$(GEN) \
	-D__KERNEL__ -include $(SRC)/include/linux/kconfig.h
CFLAGS  := $(CFLAGS_ARCH) $(CFLAGS_STACK) -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -fno-builtin -fno-pic -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -fno-strict-aliasing -fno-common \
	-fno-delete-null-pointer-checks \
	-fno-asynchronous-unwind-tables -mno-sse -mno-mmx -mno-80387 \
	-mgeneral-regs-only -MMD -MP
ASFLAGS := $(CFLAGS_ARCH) -fno-pic -fno-pie -g -D__ASSEMBLY__ -MMD -MP
LDFLAGS := -m $(LDEMU) -nostdlib -z max-page-size=4096 -z noexecstack \
	--no-warn-rwx-segments

# Every kernel source under KDIRS, less the other architecture's files.
SRCS := $(shell cd $(SRC) && find $(patsubst $(SRC)/%,%,$(wildcard $(addprefix $(SRC)/,$(KDIRS)))) -name '*.c' -o -name '*.S' \
	| grep -v '\.lds\.S$$' | grep -v '_$(OTHER)\.[cS]$$' | sort)
OBJS := $(patsubst %,$(OBJ)/%.o,$(basename $(SRCS)))

.PHONY: all
all: $(OUT)/forklore.elf

# The system call table is compiled from headers generated from the
# tangled list of Linux's system call numbers.
$(GEN)/generated/syscalls.h: $(SYSTBL) tools/syscalltbl.sh
	@sh tools/syscalltbl.sh $(SYSTBL) $(GEN)
$(OBJ)/arch/x86/entry/syscall_table.o: $(GEN)/generated/syscalls.h
$(OBJ)/arch/x86/entry/common.o: $(GEN)/generated/syscalls.h

$(OBJ)/%.o: $(SRC)/%.c
	@mkdir -p $(dir $@)
	@echo "  CC [$(ARCH)] $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(OBJ)/%.o: $(SRC)/%.S
	@mkdir -p $(dir $@)
	@echo "  AS [$(ARCH)] $<"
	@$(CC) $(CPPFLAGS) $(ASFLAGS) -c $< -o $@

$(OUT)/vmlinux.lds: $(SRC)/arch/x86/kernel/vmlinux.lds.S
	@mkdir -p $(dir $@)
	@$(CC) $(CPPFLAGS) $(CFLAGS_ARCH) -fno-pic -D__ASSEMBLY__ -E -P -x c $< -o $@

# Stage 1: an empty line table, so the image links and every address is
# final.  Stage 2: the real table.
$(OUT)/nwlines0.S:
	@mkdir -p $(OUT)
	@sh tools/mknwlines.sh --empty > $@

$(OUT)/nwlines.S: $(OUT)/forklore.stage1.elf tools/mknwlines.sh
	@sh tools/mknwlines.sh $< > $@

$(OUT)/%.o: $(OUT)/%.S
	@$(CC) $(ASFLAGS) -c $< -o $@

$(OUT)/forklore.stage1.elf: $(OBJS) $(OUT)/nwlines0.o $(OUT)/vmlinux.lds
	@$(LD) $(LDFLAGS) -T $(OUT)/vmlinux.lds -o $@ $(OBJS) $(OUT)/nwlines0.o

$(OUT)/forklore.elf: $(OBJS) $(OUT)/nwlines.o $(OUT)/vmlinux.lds
	@echo "  LD [$(ARCH)] $@"
	@$(LD) $(LDFLAGS) -T $(OUT)/vmlinux.lds -o $@ $(OBJS) $(OUT)/nwlines.o
	@nm -n $(OUT)/forklore.stage1.elf | grep -i ' t ' > $(OUT)/text1.sym
	@nm -n $@ | grep -i ' t ' > $(OUT)/text2.sym
	@cmp -s $(OUT)/text1.sym $(OUT)/text2.sym || \
	    { echo "kbuild: code moved between link stages" >&2; rm -f $@; exit 1; }

-include $(OBJS:.o=.d)
