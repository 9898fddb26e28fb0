#!/bin/sh
# linktypes.sh - annotate on every supported link type, checked with stock
# tshark: comments findable with frame.comment filters and shown as expert
# infos, one comment on each TCP packet and none on the others, every
# packet's bytes, timestamp, lengths and link type unchanged, the labels
# CSV one row per packet and consistent with the comments.
#
# usage: linktypes.sh TCP_LIFECYCLE MKCAP
. "$(dirname "$0")/lib.sh"
cli=$1 mkcap=$2

links="eth vlan qinq sll sll2 raw ipv4 ipv6 null loop vxlan gre mpls pppoe"
fields="-o frame.generate_md5_hash:TRUE -T fields -E separator=/t
    -e frame.number -e frame.time_epoch -e frame.len -e frame.cap_len
    -e frame.encap_type -e frame.md5_hash"

# The inputs' view, read by tshark in one go (tshark's start-up dominates):
# mergecap -a concatenates them into one pcapng with an interface per
# input; frame numbers then run on, so each input's rows are renumbered.
set --
for link in $links; do
    "$mkcap" "$link" "$work/$link.pcap" || die "mkcap $link failed"
    set -- "$@" "$work/$link.pcap"
done
mergecap -a -w "$work/all-in.pcapng" "$@" || die "mergecap failed"
# shellcheck disable=SC2086
stock_tshark -r "$work/all-in.pcapng" $fields -e frame.interface_id >"$work/all-in.meta"
k=0
for link in $links; do
    awk -F'\t' -v id=$k 'BEGIN { OFS = "\t" } $7 == id { n++; $1 = n; NF = 6; print }' \
        "$work/all-in.meta" >"$work/$link.in.meta"
    k=$((k + 1))
done

for link in $links; do
    in=$work/$link.pcap out=$work/$link.pcapng csv=$work/$link.csv
    if ! "$cli" annotate "$in" "$out" --labels "$csv" 2>"$work/err"; then
        fail "$link: annotate exited non-zero: $(head -n 3 "$work/err")"
        continue
    fi
    [ -z "$(leftovers "$work")" ] || fail "$link: temporary files left: $(leftovers "$work")"

    # Same packets, link type, times, lengths and bytes (md5 per packet);
    # then the TCP port and the comment of each output packet.
    cp "$work/$link.in.meta" "$work/in.meta"
    # shellcheck disable=SC2086
    stock_tshark -r "$out" $fields -e tcp.srcport -e frame.comment >"$work/out.all"
    cut -f1-6 "$work/out.all" >"$work/out.meta"
    [ -s "$work/in.meta" ] || fail "$link: tshark read nothing from the input"
    cmp -s "$work/in.meta" "$work/out.meta" ||
        fail "$link: packets differ: $(diff "$work/in.meta" "$work/out.meta" | head -n 4)"

    # A comment on each TCP packet and on nothing else.
    cut -f1,7,8 "$work/out.all" >"$work/comments"
    bad=$(awk -F'\t' '($2 != "") != ($3 != "") { print $1 }' "$work/comments" | head -n 5)
    [ -z "$bad" ] || fail "$link: frames with a comment iff not TCP: $bad"
    ntcp=$(awk -F'\t' '$2 != ""' "$work/comments" | wc -l)
    [ "$ntcp" -gt 0 ] || fail "$link: no TCP packets seen by tshark"

    # Wireshark turns each comment into an expert info (one link type is
    # enough: this is about the pcapng blocks, not the framing).
    if [ "$link" = eth ]; then
        nexp=$(stock_tshark -r "$out" -Y frame.comment.expert | wc -l)
        [ "$nexp" -eq "$ntcp" ] || fail "$link: $nexp expert comments for $ntcp TCP packets"
    fi

    # The labels: one row per packet, and the packets a CLOSE_WAIT filter
    # finds are exactly those whose label mentions CLOSE_WAIT.
    nframes=$(wc -l <"$work/in.meta")
    nrows=$(($(wc -l <"$csv") - 1))
    [ "$nrows" -eq "$nframes" ] || fail "$link: $nrows label rows for $nframes frames"
    head -n 1 "$csv" | grep -qx 'frame,stream,src,dst,src_state,dst_state,transition,anomalies,end_anomalies' ||
        fail "$link: unexpected CSV header: $(head -n 1 "$csv")"
    # (The filter is about comment blocks, not framing: three link types
    # with different header sizes are enough, and keep the test short.)
    case $link in
    eth | sll2 | null)
        stock_tshark -r "$out" -Y 'frame.comment contains "CLOSE_WAIT"' \
            -T fields -e frame.number >"$work/found"
        awk -F, 'NR > 1 && ($5 ~ /CLOSE_WAIT/ || $6 ~ /CLOSE_WAIT/ || $7 ~ /CLOSE_WAIT/ ||
                 $8 ~ /close_wait_stall/ || $9 ~ /close_wait_stall/) { print $1 }' "$csv" >"$work/want"
        [ -s "$work/found" ] || fail "$link: frame.comment contains \"CLOSE_WAIT\" found nothing"
        cmp -s "$work/found" "$work/want" ||
            fail "$link: CLOSE_WAIT filter found $(tr '\n' ' ' <"$work/found"), labels say $(tr '\n' ' ' <"$work/want")"
        ;;
    esac

    # Every anomaly of the story shows in a comment, per address family
    # (mkcap.c's header describes the story).
    fams=2
    case $link in ipv4 | ipv6) fams=1 ;; esac
    grep -q "anomaly: midstream (" "$work/comments" ||
        fail "$link: the midstream ACK is not annotated"
    for a in refused close_wait_stall port_reuse reset; do
        n=$(grep -c "anomaly: $a (" "$work/comments" || true)
        [ "$n" -ge "$fams" ] || fail "$link: anomaly $a in $n comments, want >= $fams"
    done
    grep -q "at end: anomaly: close_wait_stall (" "$work/comments" ||
        fail "$link: the CLOSE_WAIT lasting to the end is not annotated"

    # Labels and comments tell the same story: each packet's comment names
    # the sender's and receiver's states from the CSV.
    awk -F'\t' '$2 != "" { print $1 "\t" $3 }' "$work/comments" >"$work/c2"
    awk -F, 'NR > 1 && $2 != "" { print $1 "\t" $5 "\t" $6 }' "$csv" >"$work/l2"
    bad=$(awk -F'\t' 'NR == FNR { c[$1] = $2; next }
        { if (index(c[$1], $2) == 0 || index(c[$1], $3) == 0) print $1 }' \
        "$work/c2" "$work/l2" | head -n 5)
    [ -z "$bad" ] || fail "$link: comment and labels disagree on frames $bad"
done
finish
