// SPDX-License-Identifier: BSD-2-Clause
/*
 * opts.c - argp parsing of tcprec's command line into struct config, and
 * every consistency check on it.  Nothing here needs privileges: all
 * options are validated before tcprec touches BPF or creates its output.
 */
#include "opts.h"

#include <argp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "filterexpr_eval.h"
#include "probe_force.h"
#include "version.h"

enum opt_key {
	OPT_DURATION = 256,
	OPT_SEQ,
	OPT_NO_SEGMENTS,
	OPT_PORT,
	OPT_HOST,
	OPT_PID,
	OPT_NETNS,
	OPT_PACKETS,
	OPT_LOCAL,
	OPT_PROBE,
	OPT_FIGURES,
	OPT_VERSION,
};

static const char doc[] =
	"Record TCP state transitions, segments and TIME_WAIT with eBPF into a trace file.\n"
	"\n"
	"USAGE: tcprec -w FILE [OPTION...] [EXPRESSION]\n"
	"\n"
	"EXAMPLES:\n"
	"    tcprec -w run.trc                    # record everything until Ctrl-C (-o: the same)\n"
	"    tcprec -w run.trc --port 443 -4      # IPv4 connections on port 443 only\n"
	"    tcprec -w run.trc 'dst port 443 and not net 10.0.0.0/8'  # an expression\n"
	"    tcprec -w run.trc --duration 30 --seq  # 30 s, with sequence numbers\n"
	"    tcprec -w run.trc --netns /run/netns/blue  # one network namespace\n"
	"    tcprec -w run.trc --pid 1234 -Z nobody  # one process, then drop root\n"
	"    tcprec -r capture.pcap -w run.trc    # import a capture (no privileges)\n"
	"    tcprec -i eth0 -w run.trc port 80    # libpcap as segment source\n"
	"    tcprec -w run.trc --probe seg=kprobe,tw=iter  # force attach flavours\n"
	"    tcprec -w run.trc -C 100 -W 10       # a ring: run.trc0 .. run.trc9, 100 MB each\n"
	"    tcprec -w 'run-%H%M%S.trc' -G 60     # a new file every minute\n"
	"\n"
	"EXPRESSION: tcpdump's primitives host ADDR, net ADDR/LEN, port N, portrange\n"
	"N-M, each optionally after src, dst, 'src or dst', 'src and dst' and ip, ip6\n"
	"or tcp; joined by and (&&), or (||), not (!) and parentheses, 'and' and 'or'\n"
	"alike from left to right.  It selects whole connections: those of which\n"
	"tcpdump, given it, would show either direction (src/dst: see tcprec(8)).\n"
	"Applied in the kernel, with the options' filters.\n"
	"\n"
	"Exit status: 0 success, 1 runtime error (missing privileges, load or\n"
	"write failure), 2 usage error.\n"
	"\n"
	"OPTIONS:";

static const struct argp_option options[] = {
	{ "write", 'w', "FILE", 0, "Write the trace to FILE (required; - = stdout, not a tty)", 0 },
	{ "output", 'o', "FILE", OPTION_ALIAS, NULL, 0 },
	{ "count", 'c', "COUNT", 0, "Stop after COUNT events", 0 },
	{ "file-size", 'C', "SIZE", 0,
	  "Start a new file (FILE1, FILE2, ...) before FILE would exceed SIZE million bytes, "
	  "as tcpdump -C (an integer >= 1)",
	  0 },
	{ "rotate-seconds", 'G', "SECS", 0,
	  "Start a new file every SECS seconds; FILE needs strftime(3) conversions, as with "
	  "tcpdump -G",
	  0 },
	{ "file-count", 'W', "N", 0,
	  "With -C: a ring of N files FILE0..FILE<N-1>, overwriting the oldest; with -G alone: "
	  "stop after N files",
	  0 },
	{ "duration", OPT_DURATION, "SECS", 0, "Stop after SECS seconds", 0 },
	{ "seq", OPT_SEQ, NULL, 0, "Record seq, ack, window and payload length of segments", 0 },
	{ "figures", OPT_FIGURES, "close|all|none", 0,
	  "When to record the kernel's byte, segment, retransmission and RTT counters of a socket: "
	  "when it closes (default), after every state change, or never",
	  0 },
	{ "no-segments", OPT_NO_SEGMENTS, NULL, 0,
	  "Do not record segments (same as --packets=none)", 0 },
	{ "packets", OPT_PACKETS, "bpf|pcap|none", 0,
	  "Segment source (default: bpf where it loads, else pcap with -i)", 0 },
	{ "buffer-size", 'B', "SIZE", 0,
	  "Ring buffer size: KiB as tcpdump's -B, or with a K/M/G suffix; a power of two >= the "
	  "page size (default: 16M, more on a host holding many sockets)",
	  0 },
	{ "user", 'Z', "USER", 0, "After attaching, drop to USER and drop all capabilities", 0 },
	{ "quiet", 'q', NULL, 0, "No status line and no summary", 0 },
	{ "verbose", 'v', NULL, 0, "Print the probe plan and start-up time", 0 },
	{ "probe", OPT_PROBE, "EVENT=FLAVOUR[,...]", 0,
	  "Force an attach flavour per event instead of the best that loads; fail if it cannot "
	  "(events: states seg_rx seg_tx seg tw_enter tw_exit tw retransmit reset_tx reset_rx "
	  "snapshot figures_end; flavours: fentry kprobe tp_btf raw_tp tracepoint iter; "
	  "repeatable)",
	  0 },
	{ NULL, 0, NULL, 0, "Filters (applied in the kernel):", 1 },
	{ "port", OPT_PORT, "N[,N...]", 0, "Either port is N (repeatable, up to 16)", 1 },
	{ "host", OPT_HOST, "ADDR[,ADDR...]", 0,
	  "Either address is ADDR, IPv4 or IPv6 (repeatable, up to 16)", 1 },
	{ "pid", OPT_PID, "PID", 0, "Connections process PID made a transition on", 1 },
	{ "netns", OPT_NETNS, "INODE|PATH", 0,
	  "Network namespace by inode or path (/run/netns/NAME)", 1 },
	{ "ipv4", '4', NULL, 0, "IPv4 only", 1 },
	{ "ipv6", '6', NULL, 0, "IPv6 only", 1 },
	{ NULL, 0, NULL, 0, "Packet captures (libpcap):", 2 },
	{ "read", 'r', "FILE", 0, "Import a pcap/pcapng capture instead of recording (no BPF)", 2 },
	{ "interface", 'i', "IFACE", 0, "Capture segments live on IFACE with libpcap", 2 },
	{ "local", OPT_LOCAL, "NET", 0, "Local network in CIDR form for imports (repeatable)", 2 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 3 },
	{ "version", OPT_VERSION, NULL, 0, "Print the version and exit", -1 },
	{},
};

static void append_expr(struct config *cfg, const char *arg, struct argp_state *state)
{
	size_t used = strlen(cfg->filter_expr);

	if (used + strlen(arg) + 2 > sizeof(cfg->filter_expr))
		argp_error(state, "filter expression too long (max %d bytes)", OPTS_MAX_EXPR - 1);
	else
		snprintf(cfg->filter_expr + used, sizeof(cfg->filter_expr) - used, "%s%s",
			 used ? " " : "", arg);
}

/* argp_error() prints "tcprec: MSG" plus a usage hint and exits with
 * status 2 (argp_err_exit_status), unless ARGP_NO_EXIT was given. */
#define BAD(...) (argp_error(state, __VA_ARGS__), EINVAL)

/* The trailing arguments as one expression (lib/filterexpr.h). */
static int compile_expr(struct argp_state *state, struct config *cfg)
{
	struct fx_error err;
	char text[256];

	if (!cfg->filter_expr[0])
		return 0;
	if (!fx_compile(cfg->filter_expr, &cfg->filter.expr, &err))
		return 0;
	fx_error_text(&err, text, sizeof(text));
	return BAD("filter: %s", text);
}

static int parse_number_opt(struct argp_state *state, const char *name, const char *arg,
			    uint64_t min, uint64_t max, uint64_t *out)
{
	int err = parse_u64(arg, min, max, out);

	if (err)
		return BAD("%s '%s': expected an integer in [%llu, %llu]", name, arg,
			   (unsigned long long)min, (unsigned long long)max);
	return 0;
}

/* -B as tcpdump takes it: a bare number counts KiB; a K, M or G suffix
 * says the unit. */
static int parse_ringbuf(struct argp_state *state, struct config *cfg, const char *arg)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t min = page > 0 ? (uint64_t)page : 4096, v;
	char kib[32];
	size_t n = strlen(arg);

	if (n && n + 2 <= sizeof(kib) && arg[n - 1] >= '0' && arg[n - 1] <= '9') {
		snprintf(kib, sizeof(kib), "%sK", arg);
		arg = kib;
	}
	if (parse_size(arg, min, OPTS_MAX_RINGBUF, &v))
		return BAD("-B '%s': expected a size from %llu KiB to 1G (KiB, or a K/M/G suffix)",
			   arg, (unsigned long long)min / 1024);
	/* Rejected rather than rounded: the user asked for a memory budget. */
	if (v & (v - 1))
		return BAD("-B '%s': %llu bytes is not a power of two", arg, (unsigned long long)v);
	cfg->ringbuf_bytes = v;
	return 0;
}

static int parse_packets(struct argp_state *state, struct config *cfg, const char *arg)
{
	if (!strcmp(arg, "bpf"))
		cfg->packets = PACKETS_BPF;
	else if (!strcmp(arg, "pcap"))
		cfg->packets = PACKETS_PCAP;
	else if (!strcmp(arg, "none"))
		cfg->packets = PACKETS_NONE;
	else
		return BAD("--packets '%s': expected bpf, pcap or none", arg);
	return 0;
}

static int parse_figures(struct argp_state *state, struct config *cfg, const char *arg)
{
	if (!strcmp(arg, "close"))
		cfg->figures = FIGURES_CLOSE;
	else if (!strcmp(arg, "all"))
		cfg->figures = FIGURES_ALL;
	else if (!strcmp(arg, "none"))
		cfg->figures = FIGURES_NONE;
	else
		return BAD("--figures '%s': expected close, all or none", arg);
	return 0;
}

static int parse_filter_opt(int key, const char *arg, struct argp_state *state, struct config *cfg)
{
	uint64_t v;
	int err;

	switch (key) {
	case OPT_PORT:
		err = filter_add_ports(&cfg->filter, arg);
		return err ? BAD("--port '%s': %s", arg,
				 err == -E2BIG ? "more than 16 ports"
					       : "expected N[,N...] with 1 <= N <= 65535")
			   : 0;
	case OPT_HOST:
		err = filter_add_hosts(&cfg->filter, arg);
		return err ? BAD("--host '%s': %s", arg,
				 err == -E2BIG ? "more than 16 hosts"
					       : "expected ADDR[,ADDR...], IPv4 or IPv6 addresses")
			   : 0;
	case OPT_PID:
		err = parse_number_opt(state, "--pid", arg, 1, INT32_MAX, &v);
		cfg->pid = (uint32_t)v;
		return err;
	case OPT_NETNS:
		err = filter_parse_netns(arg, &cfg->netns, cfg->netns_path,
					 sizeof(cfg->netns_path));
		return err ? BAD("--netns '%s': %s", arg, strerror(-err)) : 0;
	case '4':
	case '6':
		cfg->filter.only_family = key == '4' ? TRC_FAMILY_IPV4 : TRC_FAMILY_IPV6;
		return 0;
	case OPT_LOCAL:
		if (cfg->n_local_nets >= PCAP_SRC_MAX_LOCAL_NETS)
			return BAD("--local: more than %d networks", PCAP_SRC_MAX_LOCAL_NETS);
		if (filter_parse_net(arg, &cfg->local_nets[cfg->n_local_nets]))
			return BAD("--local '%s': expected ADDR/PREFIX", arg);
		cfg->n_local_nets++;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static int forces_any(const struct config *cfg)
{
	for (int e = 0; e < PE_COUNT; e++)
		if (cfg->force[e] != PF_NONE)
			return 1;
	return 0;
}

static int parse_probe(struct argp_state *state, struct config *cfg, const char *arg)
{
	char err[200];

	if (probe_force_parse(arg, cfg->force, err, sizeof(err)))
		return BAD("--probe %s", err);
	return 0;
}

/* -C, -G and -W, as tcpdump takes them (the numbers parsed already). */
static int check_rotation(struct argp_state *state, const struct config *cfg)
{
	const struct rotate_opts *r = &cfg->rotate;

	if (!r->size_bytes && !r->seconds)
		return r->files ? BAD("-W needs -C or -G") : 0;
	if (!strcmp(cfg->output, "-"))
		return BAD("-C and -G rotate files: they cannot write to standard output");
	if (cfg->read_path)
		return BAD("-C and -G rotate a live recording: not with -r");
	if (r->seconds && !rotate_has_conversion(cfg->output))
		return BAD("-G: '%s' has no strftime(3) conversion, so every file would have the "
			   "same name (e.g. -w 'run-%%Y%%m%%d-%%H%%M%%S.trc')",
			   cfg->output);
	return 0;
}

static int check_config(struct argp_state *state, struct config *cfg)
{
	if (!cfg->output)
		return BAD("an output file is required (-w FILE, or -o FILE)");
	if (!strcmp(cfg->output, "-") && isatty(STDOUT_FILENO))
		return BAD("-o -: refusing to write a binary trace to a terminal");
	if (check_rotation(state, cfg))
		return EINVAL;
	if (cfg->read_path && cfg->iface)
		return BAD("-r and -i exclude each other");
	if (cfg->read_path && (cfg->pid || cfg->netns || cfg->user || cfg->seq ||
			       cfg->packets != PACKETS_AUTO || forces_any(cfg)))
		return BAD(
			"-r imports a capture: --pid, --netns, -Z, --seq, --packets and --probe do "
			"not apply");
	if ((cfg->force[PE_SEG_RX] || cfg->force[PE_SEG_TX]) &&
	    (cfg->packets == PACKETS_NONE || cfg->packets == PACKETS_PCAP || cfg->iface))
		return BAD("--probe seg: segments do not come from BPF with --packets=%s",
			   cfg->packets == PACKETS_NONE ? "none" : "pcap");
	if (cfg->n_local_nets && !cfg->read_path && !cfg->iface)
		return BAD("--local needs -r FILE or -i IFACE");
	if (cfg->packets == PACKETS_PCAP && !cfg->iface)
		return BAD("--packets=pcap needs -i IFACE");
	if (cfg->iface && (cfg->packets == PACKETS_BPF || cfg->packets == PACKETS_NONE))
		return BAD("-i IFACE captures segments: it needs --packets=pcap (the default with "
			   "-i)");
	if (cfg->iface)
		cfg->packets = PACKETS_PCAP;
	return compile_expr(state, cfg);
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct config *cfg = state->input;
	uint64_t v;
	int err;

	switch (key) {
	case 'w':
	case 'o':
		cfg->output = arg;
		return 0;
	case 'c':
		err = parse_number_opt(state, "-c", arg, 1, UINT64_MAX, &v);
		cfg->max_events = v;
		return err;
	case 'C':
		err = parse_number_opt(state, "-C", arg, 1, ROTATE_MAX_SIZE, &v);
		cfg->rotate.size_bytes = v * ROTATE_SIZE_UNIT;
		return err;
	case 'G':
		err = parse_number_opt(state, "-G", arg, 1, 365ull * 24 * 3600, &v);
		cfg->rotate.seconds = v;
		return err;
	case 'W':
		err = parse_number_opt(state, "-W", arg, 1, ROTATE_MAX_FILES, &v);
		cfg->rotate.files = (uint32_t)v;
		return err;
	case OPT_DURATION:
		err = parse_number_opt(state, "--duration", arg, 1, 365ull * 24 * 3600, &v);
		cfg->duration_s = v;
		return err;
	case OPT_SEQ:
		cfg->seq = 1;
		return 0;
	case OPT_NO_SEGMENTS:
		if (cfg->packets != PACKETS_AUTO && cfg->packets != PACKETS_NONE)
			return BAD("--no-segments contradicts --packets");
		cfg->packets = PACKETS_NONE;
		return 0;
	case OPT_PACKETS:
		if (cfg->packets == PACKETS_NONE)
			return BAD("--packets contradicts --no-segments");
		return parse_packets(state, cfg, arg);
	case OPT_FIGURES:
		return parse_figures(state, cfg, arg);
	case 'B':
		return parse_ringbuf(state, cfg, arg);
	case OPT_PROBE:
		return parse_probe(state, cfg, arg);
	case 'Z':
		if (!*arg)
			return BAD("-Z: empty user name");
		cfg->user = arg;
		return 0;
	case 'q':
		cfg->quiet = 1;
		return 0;
	case 'v':
		cfg->verbose = 1;
		return 0;
	case OPT_VERSION:
		printf("tcprec %s\n", TCPREC_VERSION);
		exit(0);
	case 'r':
		cfg->read_path = arg;
		return 0;
	case 'i':
		cfg->iface = arg;
		return 0;
	case 'h':
		argp_state_help(state, stderr, ARGP_HELP_STD_HELP);
		return 0;
	case ARGP_KEY_ARG:
		append_expr(cfg, arg, state);
		return 0;
	case ARGP_KEY_END:
		return check_config(state, cfg);
	default:
		return parse_filter_opt(key, arg, state, cfg);
	}
}

int opts_parse(int argc, char **argv, unsigned int argp_flags, struct config *cfg)
{
	const struct argp argp = { .options = options, .parser = parse_opt, .doc = doc };
	int err;

	memset(cfg, 0, sizeof(*cfg));
	cfg->figures = FIGURES_CLOSE;
	argp_err_exit_status = 2;
	err = argp_parse(&argp, argc, argv, argp_flags, NULL, cfg);
	return err ? -EINVAL : 0;
}

__attribute__((format(printf, 3, 4))) static void catf(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

#define SEP(buf, c) ((buf)[0] ? (c) : "")

void opts_filters_text(const struct config *cfg, char *buf, size_t len)
{
	const struct pcap_src_filter *f = &cfg->filter;
	char tmp[64], tmp_expr[FX_TEXT_MAX];

	buf[0] = '\0';
	for (unsigned int i = 0; i < f->n_ports; i++) {
		if (i)
			catf(buf, len, ",%u", f->ports[i]);
		else
			catf(buf, len, "%sport=%u", SEP(buf, " "), f->ports[i]);
	}
	for (unsigned int i = 0; i < f->n_hosts; i++)
		catf(buf, len, "%shost=%s", SEP(buf, " "),
		     filter_addr_str(f->hosts[i].family, f->hosts[i].addr, tmp, sizeof(tmp)));
	if (cfg->pid)
		catf(buf, len, "%spid=%u", SEP(buf, " "), cfg->pid);
	if (cfg->netns)
		catf(buf, len, "%snetns=%u", SEP(buf, " "), cfg->netns);
	if (f->only_family)
		catf(buf, len, "%sfamily=%d", SEP(buf, " "), f->only_family);
	if (f->expr.n_ops && !fx_format(&f->expr, tmp_expr, sizeof(tmp_expr)))
		catf(buf, len, "%sexpr=%s", SEP(buf, " "), tmp_expr);
}

void opts_options_text(const struct config *cfg, const char *packets, char *buf, size_t len)
{
	buf[0] = '\0';
	if (cfg->seq)
		catf(buf, len, "seq");
	catf(buf, len, "%spackets=%s", SEP(buf, ","), packets);
	if (!cfg->read_path)
		catf(buf, len, ",figures=%s",
		     cfg->figures == FIGURES_ALL    ? "all"
		     : cfg->figures == FIGURES_NONE ? "none"
						    : "close");
	if (cfg->ringbuf_bytes)
		catf(buf, len, ",ringbuf=%llu", (unsigned long long)cfg->ringbuf_bytes);
	if (cfg->max_events)
		catf(buf, len, ",count=%llu", (unsigned long long)cfg->max_events);
	if (cfg->duration_s)
		catf(buf, len, ",duration=%llu", (unsigned long long)cfg->duration_s);
	if (cfg->rotate.size_bytes)
		catf(buf, len, ",file_size=%llu", (unsigned long long)cfg->rotate.size_bytes);
	if (cfg->rotate.seconds)
		catf(buf, len, ",rotate_seconds=%llu", (unsigned long long)cfg->rotate.seconds);
	if (cfg->rotate.files)
		catf(buf, len, ",file_count=%u", cfg->rotate.files);
	if (cfg->user)
		catf(buf, len, ",user=%s", cfg->user);
	if (forces_any(cfg)) {
		char force[256];

		probe_force_format(cfg->force, force, sizeof(force));
		catf(buf, len, ",probe=%s", force);
	}
}
