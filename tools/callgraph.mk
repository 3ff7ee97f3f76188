# tools/callgraph.mk — compile the tangled kernel once more, for its call
# graph only (tools/callgraph.sh drives it; nothing here is linked).
#
#   make -f tools/callgraph.mk B=DIR ARCH=x86_64|i386 callgraph
#
# It includes tools/kbuild.mk for the kernel's own source list and
# flags, with B= pointing at the call graph's own tree (DIR/src, a
# tangle of the woven chapters), and compiles every kernel .c file with
# GCC's -fcallgraph-info: beside each DIR/<arch>/obj/X.o, an X.ci (VCG)
# lists the functions X.c defines and calls, each with the .nw file and
# line that #line gave it.  -O0 keeps every call a call (at -O2 inlined
# helpers would vanish from the graph); -ffunction-sections and
# -fdata-sections put each function and each object in its own section,
# so the object's relocations (X.rel, objdump -rw) tell who takes whose
# address.
# No -Werror: warnings are the real build's business.

include tools/kbuild.mk

CG_CFLAGS := $(filter-out -O2 -Werror -g,$(CFLAGS)) -O0 -w \
	-fcallgraph-info -ffunction-sections -fdata-sections
CG_OBJS := $(patsubst %,$(OBJ)/%.o,$(basename $(filter %.c,$(SRCS))))

.PHONY: callgraph
callgraph: $(CG_OBJS)

# (compiled again when the flags here or in kbuild.mk change)
$(CG_OBJS): tools/callgraph.mk tools/kbuild.mk

$(OBJ)/%.o: $(SRC)/%.c
	@mkdir -p $(dir $@)
	@$(CC) $(CPPFLAGS) $(CG_CFLAGS) -c $< -o $@
	@objdump -rw $@ > $(@:.o=.rel)
