#!/bin/sh
# tools/mkiso.sh BUILD — a GRUB rescue ISO that boots either kernel.
#
# GRUB loads forklore through the same multiboot header QEMU's -kernel
# reads, so the ISO is only a menu: one entry per architecture, and the
# initramfs as a module when one was built.  Boot it with
#   qemu-system-x86_64 -cdrom build/forklore.iso -serial stdio
set -eu
B=${1:-build}
iso=$B/iso
rm -rf "$iso"
mkdir -p "$iso/boot/grub"
for a in i386 x86_64; do
	cp "$B/$a/forklore.elf" "$iso/boot/forklore-$a.elf"
done
cat > "$iso/boot/grub/grub.cfg" <<'CFG'
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=3
menuentry "forklore x86-64" {
	multiboot /boot/forklore-x86_64.elf
}
menuentry "forklore i386" {
	multiboot /boot/forklore-i386.elf
}
CFG
grub-mkrescue -o "$B/forklore.iso" "$iso" >/dev/null 2>&1 || {
	echo "mkiso: grub-mkrescue failed (needs grub-pc-bin, xorriso, mtools)" >&2
	exit 1
}
echo "  ISO $B/forklore.iso"
