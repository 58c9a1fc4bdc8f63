/*
 * cmd_admin.c - the audit log (show with filters, verify, export JSON
 * Lines) and the access policy (show, set, remove).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum {
    OPT_OPERATION = OPT_FIRST_COMMAND_OPTION,
    OPT_DEVICE,
    OPT_ARTIFACT,
    OPT_LIMIT,
    OPT_ALLOW,
    OPT_BIOMETRIC,
    OPT_MAX_USES,
};

/* ---- audit --------------------------------------------------------------------------------- */

static void json_audit_entry(const pqce_audit_entry *e)
{
    char t[40];
    cli_format_time(t, sizeof t, e->time_ms);
    printf("{\"seq\":%llu,\"timestamp\":\"%s\",\"operation\":", (unsigned long long)e->seq, t);
    cli_json_string(stdout, e->operation);
    printf(",\"device_id\":");
    cli_json_string(stdout, e->device_id);
    printf(",\"artifact_id\":");
    cli_json_string(stdout, e->artifact_id);
    printf(",\"artifact_name\":");
    cli_json_string(stdout, e->artifact_name);
    printf(",\"artifact_kind\":");
    cli_json_string(stdout, e->artifact_kind);
    printf(",\"caller\":");
    cli_json_string(stdout, e->caller);
    printf(",\"success\":%s,\"details\":", e->success ? "true" : "false");
    cli_json_string(stdout, e->details);
    printf(",\"authenticated\":%s}", e->authenticated ? "true" : "false");
}

int cmd_audit(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_VAULT_OPTIONS,
        {"json", no_argument, NULL, OPT_JSON},
        {"operation", required_argument, NULL, OPT_OPERATION},
        {"device", required_argument, NULL, OPT_DEVICE},
        {"artifact", required_argument, NULL, OPT_ARTIFACT},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"output", required_argument, NULL, 'o'},
        CLI_OPTS_END,
    };
    pqce_audit_query q;
    const char *artifact = NULL, *out = NULL;
    uint64_t limit = 0;
    int c, rc, filtered = 0;
    memset(&q, 0, sizeof q);
    q.version = PQCE_AUDIT_QUERY_VERSION;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:n:", opts, NULL)) != -1) {
        switch (c) {
        case OPT_OPERATION:
            q.operation = optarg;
            filtered = 1;
            break;
        case OPT_DEVICE:
            q.device_id = optarg;
            filtered = 1;
            break;
        case OPT_ARTIFACT:
            artifact = optarg;
            filtered = 1;
            break;
        case 'n':
        case OPT_LIMIT:
            if (cli_parse_u64(optarg, 1, SIZE_MAX, 0, &limit) != 0) {
                return cli_usage_error(ctx, "--limit is a positive number");
            }
            filtered = 1;
            break;
        case 'o':
            out = optarg;
            break;
            CLI_OPTION_DEFAULTS(ctx, argv);
        }
    }
    const char *sub = optind < argc ? argv[optind] : "show";
    if (optind + 1 < argc) {
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind + 1]);
    }
    int show = strcmp(sub, "show") == 0, verify = strcmp(sub, "verify") == 0;
    int export = strcmp(sub, "export") == 0;
    if (!show && !verify && !export) {
        return cli_usage_error(ctx, "unknown audit command '%s' (show, verify, export)", sub);
    }
    if (out != NULL && !export) {
        return cli_usage_error(ctx, "-o FILE goes with audit export");
    }
    if ((rc = cli_vault_open(ctx)) != EXIT_OK) {
        return rc;
    }
    char id[PQCE_ARTIFACT_ID_BYTES];
    if (artifact != NULL) {
        if (strncmp(artifact, "urn:", 4) == 0) {
            snprintf(id, sizeof id, "%s", artifact);
        } else {
            /* a name: its current id (older versions had other ids) */
            pqce_artifact_list *l = NULL;
            int err = pqce_vault_stat(ctx->vault, &l, artifact);
            if (err != PQCE_OK) {
                return cli_vault_close(ctx, cli_vault_fail(ctx, err, "audit"));
            }
            snprintf(id, sizeof id, "%s", pqce_artifact_list_at(l, 0)->id);
            pqce_artifact_list_free(l);
        }
        q.artifact_id = id;
    }
    q.limit = limit != 0 ? (size_t)limit : (export ? SIZE_MAX : PQCE_AUDIT_DEFAULT_LIMIT);
    int err;
    if (verify) {
        pqce_audit_report report;
        memset(&report, 0, sizeof report);
        err = pqce_vault_audit_verify(ctx->vault, &report);
        if (ctx->json) {
            printf("{\"valid\":%s,\"entries\":%llu,\"authenticated\":%llu", err ? "false" : "true",
                   (unsigned long long)report.entries, (unsigned long long)report.authenticated);
            if (err != PQCE_OK) {
                printf(",\"first_bad_seq\":%llu", (unsigned long long)report.first_bad_seq);
            }
            printf("}\n");
        } else if (err == PQCE_OK) {
            printf("audit log verifies: %llu records, %llu authenticated; chain, MACs, sequence "
                   "and length as last saved all check\n",
                   (unsigned long long)report.entries, (unsigned long long)report.authenticated);
        }
        rc = err == PQCE_OK ? EXIT_OK : cli_vault_fail(ctx, err, "audit verify");
        if (err != PQCE_OK && !ctx->json) {
            fprintf(stderr, "pqce audit: the first bad record is #%llu\n",
                    (unsigned long long)report.first_bad_seq);
        }
        return cli_vault_close(ctx, rc);
    }
    if (export) {
        cli_outfile o;
        fflush(stdout);
        if ((rc = cli_outfile_open(ctx, &o, out, 0600)) != EXIT_OK) {
            return cli_vault_close(ctx, rc);
        }
        err = pqce_vault_audit_export(ctx->vault, o.fd, filtered ? &q : NULL);
        if (err != PQCE_OK) {
            cli_outfile_abort(&o);
            return cli_vault_close(ctx, cli_vault_fail(ctx, err, "audit export"));
        }
        return cli_vault_close(ctx, cli_outfile_commit(ctx, &o));
    }
    pqce_audit_list *l = NULL;
    if ((err = pqce_vault_audit_query(ctx->vault, &l, &q)) != PQCE_OK) {
        return cli_vault_close(ctx, cli_vault_fail(ctx, err, "audit"));
    }
    size_t n = pqce_audit_list_count(l);
    if (ctx->json) {
        printf("[");
        for (size_t i = 0; i < n; i++) {
            printf(i > 0 ? ",\n " : "");
            json_audit_entry(pqce_audit_list_at(l, i));
        }
        printf("]\n");
    } else {
        printf("%6s  %-24s  %-18s  %-4s  %-24s  %-20s  %s\n", "SEQ", "TIME", "OPERATION", "OK",
               "ARTIFACT", "CALLER", "DETAILS");
        for (size_t i = 0; i < n; i++) {
            const pqce_audit_entry *e = pqce_audit_list_at(l, i);
            char t[40];
            cli_format_time(t, sizeof t, e->time_ms);
            printf("%6llu  %-24s  %-18s  %-4s  %-24s  %-20s  %s%s\n", (unsigned long long)e->seq, t,
                   e->operation, e->success ? "yes" : "no",
                   e->artifact_name[0] ? e->artifact_name : "-", e->caller[0] ? e->caller : "-",
                   e->details, e->authenticated ? "" : "  [not authenticated]");
        }
    }
    pqce_audit_list_free(l);
    return cli_vault_close(ctx, EXIT_OK);
}

/* ---- policy -------------------------------------------------------------------------------- */

static void print_rule(const pqce_policy_rule *r)
{
    printf("%-20s  ", pqce_kind_name(r->kind));
    if (r->allowed_count == 0) {
        printf("%-40s", "any caller");
    } else {
        char list[1024] = "";
        size_t used = 0;
        for (size_t i = 0; i < r->allowed_count && used < sizeof list; i++) {
            int w = snprintf(list + used, sizeof list - used, "%s%s", i > 0 ? "," : "",
                             r->allowed_bundle_ids[i]);
            used += w > 0 ? (size_t)w : 0;
        }
        printf("%-40s", list);
    }
    printf("  %-9s  ", r->require_biometric ? "yes" : "no");
    if (r->max_uses_per_hour == 0) {
        printf("no limit\n");
    } else {
        printf("%u\n", (unsigned)r->max_uses_per_hour);
    }
}

int cmd_policy(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_VAULT_OPTIONS,
        {"json", no_argument, NULL, OPT_JSON},
        {"allow", required_argument, NULL, OPT_ALLOW},
        {"require-biometric", no_argument, NULL, OPT_BIOMETRIC},
        {"max-uses-per-hour", required_argument, NULL, OPT_MAX_USES},
        CLI_OPTS_END,
    };
    const char *allow[PQCE_POLICY_BUNDLES_MAX];
    pqce_policy_rule rule;
    uint64_t max_uses = 0;
    int c, rc, rule_opts = 0;
    memset(&rule, 0, sizeof rule);
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_ALLOW:
            if (rule.allowed_count == PQCE_POLICY_BUNDLES_MAX) {
                return cli_usage_error(ctx, "at most %d bundles", PQCE_POLICY_BUNDLES_MAX);
            }
            allow[rule.allowed_count++] = optarg;
            rule_opts = 1;
            break;
        case OPT_BIOMETRIC:
            rule.require_biometric = 1;
            rule_opts = 1;
            break;
        case OPT_MAX_USES:
            if (cli_parse_u64(optarg, 0, UINT32_MAX, 0, &max_uses) != 0) {
                return cli_usage_error(ctx, "--max-uses-per-hour is a number (0: no limit)");
            }
            rule.max_uses_per_hour = (uint32_t)max_uses;
            rule_opts = 1;
            break;
            CLI_OPTION_DEFAULTS(ctx, argv);
        }
    }
    rule.allowed_bundle_ids = rule.allowed_count > 0 ? allow : NULL;
    const char *sub = optind < argc ? argv[optind] : "show";
    int show = strcmp(sub, "show") == 0, set = strcmp(sub, "set") == 0;
    int remove = strcmp(sub, "rm") == 0 || strcmp(sub, "remove") == 0;
    if (!show && !set && !remove) {
        return cli_usage_error(ctx, "unknown policy command '%s' (show, set, rm)", sub);
    }
    if (show && optind + 1 < argc) {
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind + 1]);
    }
    if ((set || remove) && optind + 2 != argc) {
        return cli_usage_error(ctx, "policy %s takes one kind, e.g. credential", sub);
    }
    if (!set && rule_opts) {
        return cli_usage_error(ctx, "rule options go with policy set");
    }
    if (set || remove) {
        if (pqce_kind_from_name(&rule.kind, argv[optind + 1]) != PQCE_OK) {
            return cli_usage_error(ctx, "unknown kind '%s'", argv[optind + 1]);
        }
    }
    if ((rc = cli_vault_open(ctx)) != EXIT_OK) {
        return rc;
    }
    int err;
    if (set) {
        if ((err = pqce_vault_policy_set(ctx->vault, &rule)) != PQCE_OK) {
            return cli_vault_close(ctx, cli_vault_fail(ctx, err, "policy set"));
        }
        rc = cli_vault_close(ctx, EXIT_OK);
        if (rc == EXIT_OK && !ctx->json) {
            printf("%-20s  %-40s  %-9s  %s\n", "KIND", "ALLOWED BUNDLES", "BIOMETRIC",
                   "MAX USES/HOUR");
            print_rule(&rule);
        }
        return rc;
    }
    if (remove) {
        pqce_policy_rule old;
        if ((err = pqce_vault_policy_get(ctx->vault, rule.kind, &old)) != PQCE_OK ||
            (err = pqce_vault_policy_remove(ctx->vault, rule.kind)) != PQCE_OK) {
            return cli_vault_close(ctx, cli_vault_fail(ctx, err, "policy rm"));
        }
        rc = cli_vault_close(ctx, EXIT_OK);
        if (rc == EXIT_OK) {
            printf("removed the policy for %s: every caller may read it\n",
                   pqce_kind_name(rule.kind));
        }
        return rc;
    }
    size_t shown = 0;
    if (ctx->json) {
        printf("[");
    } else {
        printf("%-20s  %-40s  %-9s  %s\n", "KIND", "ALLOWED BUNDLES", "BIOMETRIC", "MAX USES/HOUR");
    }
    for (int k = 0; k < PQCE_KIND_COUNT; k++) {
        pqce_policy_rule r;
        err = pqce_vault_policy_get(ctx->vault, (pqce_kind)k, &r);
        if (err == PQCE_ERR_NOT_FOUND) {
            continue;
        }
        if (err != PQCE_OK) {
            return cli_vault_close(ctx, cli_vault_fail(ctx, err, "policy show"));
        }
        if (ctx->json) {
            printf("%s{\"kind\":\"%s\",\"allowed_bundle_ids\":[", shown > 0 ? ",\n " : "",
                   pqce_kind_name(r.kind));
            for (size_t i = 0; i < r.allowed_count; i++) {
                printf(i > 0 ? "," : "");
                cli_json_string(stdout, r.allowed_bundle_ids[i]);
            }
            printf("],\"require_biometric\":%s,\"max_uses_per_hour\":%u}",
                   r.require_biometric ? "true" : "false", (unsigned)r.max_uses_per_hour);
        } else {
            print_rule(&r);
        }
        shown++;
    }
    if (ctx->json) {
        printf("]\n");
    } else if (shown == 0) {
        printf("(no rules: every caller may read every kind)\n");
    }
    return cli_vault_close(ctx, EXIT_OK);
}
