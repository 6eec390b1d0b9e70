# SPDX-License-Identifier: BSD-2-Clause
# bash completion for tcprec and tcpana: the long options are read from the
# tool's own --help, so they never go stale; values where the tool has a
# fixed list; files everywhere else.

_tcprec_values()
{
	case $1 in
	--outcome)
		echo "normal_close refused reset_local reset_remote reset_orig reset_resp" \
			"syn_timeout half_open open_at_end closed_unknown listener aborted timeout" ;;
	--verdict) echo "conformant linux-specific violation incomplete" ;;
	--figures) echo "close all none" ;;
	--packets) echo "bpf pcap none" ;;
	esac
}

_tcprec_complete()
{
	local cur prev opts values
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	case $prev in
	-w | -o | --write | --output | -r | --read)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	-i | --interface)
		COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur"))
		return ;;
	-Z | --user)
		COMPREPLY=($(compgen -u -- "$cur"))
		return ;;
	esac
	values=$(_tcprec_values "$prev")
	if [ -n "$values" ]; then
		COMPREPLY=($(compgen -W "$values" -- "${cur##*,}"))
		return
	fi
	if [[ $cur == -* ]]; then
		opts=$("$1" --help 2>/dev/null | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}

complete -F _tcprec_complete tcprec tcpana
