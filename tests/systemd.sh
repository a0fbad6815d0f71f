#!/bin/sh
# systemd.sh: the generated pxed.service passes systemd-analyze verify
# (with ExecStart pointing at the binary just built), and its ExecStartPre
# (pxed -t) and ExecStart are the pxed commands the man page documents.
# (--man=no: the man pages it names are not installed yet.)  Its Type is
# notify or simple, as configure decided (tests/notify.sh tests notify).
. "$(dirname "$0")/lib.sh"
pxed_need systemd-analyze
pxed_test_init
UNIT=${PXED_UNIT:-$(dirname "$PXED")/../pxed.service}
check "pxed.service was generated" test -s "$UNIT"
grep -q '^ExecStartPre=.*/pxed -t$' "$UNIT" && grep -q '^ExecStart=.*/pxed -d$' "$UNIT" &&
    grep -q '^ExecReload=/bin/kill -HUP \$MAINPID$' "$UNIT" &&
    ok "ExecStartPre is pxed -t, ExecStart pxed -d, ExecReload sends HUP" ||
    not_ok "ExecStartPre/ExecStart/ExecReload"
check "Type=notify (built with libsystemd) or Type=simple" \
    grep -Eq '^Type=(notify|simple)$' "$UNIT"
check "no @placeholders@ left" sh -c "! grep -q '@[a-z]*@' '$UNIT'"
# Verify a copy whose binary is the one just built (the installed path
# does not exist yet).
sed "s|^\(Exec[A-Za-z]*=\)[^ ]*/pxed |\1$PXED |" "$UNIT" > "$T/pxed.service"
check "systemd-analyze verify accepts it" sh -c \
    "systemd-analyze verify --man=no '$T/pxed.service' > '$T/verify.out' 2>&1" ||
    sed 's/^/  | /' "$T/verify.out"
pxed_test_done
