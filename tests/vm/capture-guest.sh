#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs in the test guest (busybox sh) for tests/vm/capture: copies the IOMMU-relevant part of
# /sys, /proc and /dev into a tree and writes it to stdout as base64 between marker lines.
# Input: VFIO_ADDRS (PCI addresses to bind to vfio-pci first), set by tests/vm/capture.

C=/tmp/cap
mkdir -p "$C"

for a in ${VFIO_ADDRS:-}; do
	echo vfio-pci >"/sys/bus/pci/devices/$a/driver_override"
	echo "$a" >/sys/bus/pci/drivers_probe
done

# A regular file, read with cat; a failed read (write-only attribute) records nothing.
file() {
	mkdir -p "$C${1%/*}"
	cat "$1" >"$C$1" 2>/dev/null || rm -f "$C$1"
}

# A symlink, as the same (relative) text, so the tree works under any root prefix.
link() {
	mkdir -p "$C${1%/*}"
	ln -s "$(readlink "$1")" "$C$1"
}

# A write-only control file, recorded empty because tools look for it.
control() {
	[ -e "$1" ] || return 0
	mkdir -p "$C${1%/*}"
	: >"$C$1"
}

# Every entry of directory $1: links as links, readable regular files; no recursion.
flat() {
	mkdir -p "$C$1"
	for e in "$1"/*; do
		if [ -L "$e" ]; then
			link "$e"
		elif [ -f "$e" ]; then
			file "$e"
		fi
	done
}

# Groups: type, reserved_regions and the devices/ links.
for g in /sys/kernel/iommu_groups/*; do
	[ -d "$g" ] || continue
	flat "$g"
	flat "$g/devices"
done
mkdir -p "$C/sys/kernel/iommu_groups"

# IOMMU units: the class links and the unit directories they point to, with the driver's
# attribute group (intel-iommu/, amd-iommu/, ...) and the devices/ links.
mkdir -p "$C/sys/class/iommu"
for u in /sys/class/iommu/*; do
	[ -L "$u" ] || continue
	link "$u"
	d=$(cd "$u" && pwd -P)
	flat "$d"
	for sub in "$d"/*; do
		[ -d "$sub" ] && [ ! -L "$sub" ] && [ "${sub##*/}" != power ] && flat "$sub"
	done
done

# PCI devices: attribute files and the links tools follow. Skipped: BAR mmaps (resourceN),
# rom and vpd (binary, slow or with side effects), and write-only attributes.
for l in /sys/bus/pci/devices/*; do
	[ -L "$l" ] || continue
	link "$l"
	d=$(cd "$l" && pwd -P)
	# The host bridge directories above the device (pci0000:00, bridges), as directories.
	p=${d%/*}
	while [ "$p" != /sys/devices ] && [ -n "$p" ]; do
		mkdir -p "$C$p"
		p=${p%/*}
	done
	mkdir -p "$C$d"
	for e in "$d"/*; do
		n=${e##*/}
		case $n in
		resource?* | rom | vpd | remove | rescan | reset) continue ;;
		driver | iommu | iommu_group | physfn | virtfn* | subsystem)
			[ -L "$e" ] && link "$e"
			continue
			;;
		esac
		[ -L "$e" ] && continue
		if [ -f "$e" ]; then
			file "$e"
		elif [ "$n" = msi_irqs ]; then
			flat "$e"
		elif [ "$n" = vfio-dev ]; then
			for v in "$e"/*; do
				flat "$v"
			done
		elif [ "$n" = pci_bus ]; then
			# A bridge's secondary bus, by name (0000:01).
			for b in "$e"/*; do
				mkdir -p "$C$b"
			done
		fi
	done
done

# Drivers: directories with their device links and their control files.
mkdir -p "$C/sys/bus/pci/drivers"
for drv in /sys/bus/pci/drivers/*; do
	mkdir -p "$C$drv"
	for e in "$drv"/????:??:??.?; do
		[ -L "$e" ] && link "$e"
	done
	for c in bind unbind new_id remove_id; do
		control "$drv/$c"
	done
done
file /sys/bus/pci/drivers_autoprobe
file /sys/bus/pci/resource_alignment
control /sys/bus/pci/drivers_probe
control /sys/bus/pci/rescan

# VFIO device cdevs, when some device is bound to vfio-pci.
if [ -d /sys/class/vfio-dev ]; then
	flat /sys/class/vfio-dev
fi

# ACPI tables: the 36-byte header of each, the whole table for the IOMMU ones (DMAR, IVRS).
for t in /sys/firmware/acpi/tables/*; do
	[ -f "$t" ] || continue
	mkdir -p "$C${t%/*}"
	case ${t##*/} in
	DMAR* | IVRS*) cat "$t" >"$C$t" ;;
	*) dd if="$t" of="$C$t" bs=36 count=1 2>/dev/null ;;
	esac
done

mkdir -p "$C/proc/sys/kernel"
for f in cmdline interrupts mounts sys/kernel/osrelease; do
	cat "/proc/$f" >"$C/proc/$f"
done

# Device nodes as empty files: git cannot store nodes.
for n in /dev/iommu /dev/vfio /dev/vfio/* /dev/vfio/devices/*; do
	if [ -c "$n" ]; then
		mkdir -p "$C${n%/*}"
		: >"$C$n"
	fi
done

dmesg >"$C/dmesg.txt"

echo "IOT-CAPTURE-BEGIN"
tar -C "$C" -czf - . | base64
echo "IOT-CAPTURE-END"
