package io.airlock.policy.shell;

import static io.airlock.policy.shell.CommandTable.register;

import io.airlock.policy.analysis.Access;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Infrastructure and deployment: Kubernetes, Helm, Terraform and friends, serverless and PaaS CLIs, cloud CLIs (aws,
 * gcloud, gsutil, az), Ansible, containers, and database migrations (deploy when aimed at production).
 */
final class DeployCommands {

    private DeployCommands() {}

    static void install() {
        CommandTable.register(DeployCommands::kubectl, "kubectl", "oc", "k", "kubecolor", "microk8s.kubectl");
        register(DeployCommands::helm, "helm");
        register(DeployCommands::terraform, "terraform", "tofu", "terragrunt", "opentofu", "tf");
        register(DeployCommands::pulumi, "pulumi");
        register(c -> verbs(c, Set.of("deploy", "destroy", "bootstrap", "import", "rollback", "watch", "migrate"),
                Set.of("destroy"), "AWS CDK"), "cdk", "cdktf");
        register(c -> verbs(c, Set.of("deploy", "delete", "sync", "remove", "rollback", "invoke", "publish"),
                Set.of("delete", "remove"), "serverless"), "sam", "serverless", "sls", "chalice", "zappa", "eb",
                "copilot", "amplify", "sst", "arc", "architect");
        register(DeployCommands::vercel, "vercel", "vc");
        register(c -> verbs(c, Set.of("deploy", "sites:delete", "env:set", "env:unset", "rollback", "build:trigger",
                "api", "link", "unlink", "functions:invoke"), Set.of("sites:delete"), "netlify"), "netlify", "ntl");
        register(DeployCommands::fly, "fly", "flyctl");
        register(DeployCommands::heroku, "heroku");
        register(c -> verbs(c, Set.of("deploy", "hosting:disable", "functions:delete", "firestore:delete",
                "database:remove", "database:set", "database:push", "database:update", "auth:import", "apps:create",
                "projects:create", "hosting:channel:deploy", "remoteconfig:rollback", "appdistribution:distribute"),
                Set.of("functions:delete", "firestore:delete", "database:remove", "hosting:disable"), "firebase"),
                "firebase");
        register(c -> verbs(c, Set.of("up", "deploy", "down", "redeploy", "run", "variables", "domain", "link",
                "delete"), Set.of("down", "delete"), "railway"), "railway");
        register(c -> verbs(c, Set.of("deploy", "publish", "delete", "rollback", "secret", "kv:key", "kv",
                "r2", "d1", "versions", "triggers", "pages", "queues", "deployments"), Set.of("delete"), "wrangler"),
                "wrangler");
        register(c -> verbs(c, Set.of("deploy"), Set.of(), "ng"), "ng");
        register(c -> verbs(c, Set.of("run", "deploy", "delete", "apply"), Set.of("delete"), "skaffold"), "skaffold");
        register(c -> verbs(c, Set.of("sync", "delete", "rollback", "set", "create", "terminate-op", "patch", "edit",
                "deploy"), Set.of("delete"), "argocd"), "argocd");
        register(c -> verbs(c, Set.of("apply", "delete", "create", "patch"), Set.of("delete"), "kustomize"),
                "kapp", "kpt", "flux", "fluxctl", "linkerd", "istioctl");
        register(DeployCommands::aws, "aws", "awslocal", "aws2");
        register(DeployCommands::gcloud, "gcloud");
        register(DeployCommands::gsutil, "gsutil");
        register(DeployCommands::az, "az");
        register(DeployCommands::ansible, "ansible", "ansible-playbook", "ansible-pull", "ansible-vault",
                "ansible-galaxy", "ansible-console");
        register(DeployCommands::docker, "docker", "podman", "nerdctl", "finch", "docker-compose", "podman-compose",
                "colima-docker", "lima-nerdctl", "ctr", "crictl");
        register(DeployCommands::clusters, "kind", "minikube", "k3d", "k3s", "microk8s", "vagrant", "multipass",
                "lxc", "lxd", "virsh", "VBoxManage", "vboxmanage", "colima", "limactl", "orb", "orbctl", "eksctl",
                "doctl", "linode-cli", "hcloud", "scw", "oci", "ibmcloud", "exo", "vultr-cli", "civo", "upcloud");
        register(DeployCommands::rails, "rails", "rake", "bin/rails", "bundle-rails");
        register(DeployCommands::migrations, "prisma", "alembic", "knex", "sequelize", "typeorm", "flyway",
                "liquibase", "diesel", "sqlx", "goose", "migrate", "dbmate", "atlas", "sqitch", "supabase",
                "drizzle-kit", "mikro-orm", "db-migrate", "node-pg-migrate", "graphile-migrate", "sea-orm-cli",
                "refinery", "artisan", "yii", "phinx", "doctrine", "symfony");
        register(DeployCommands::capistrano, "cap", "capistrano", "mina", "fab", "fabric", "kamal", "mrsk",
                "dokku", "caprover", "juju", "salt", "salt-ssh", "puppet", "chef-client", "knife", "nomad", "consul",
                "packer", "waypoint", "octopus", "spinnaker", "spin", "gh-deploy", "dpl", "now");
    }

    /** Generic "subcommand verbs deploy" handler. */
    private static void verbs(Call c, Set<String> deployVerbs, Set<String> deleteVerbs, String what) {
        List<String> w = CommandTable.words(c.args);
        if (w.isEmpty() || !Set.of("completion", "help", "version", "new", "generate", "g", "init", "lint", "test",
                "build", "serve", "dev", "config", "doctor", "analytics", "cache", "add", "extract-i18n", "e2e")
                .contains(w.getFirst())) {
            c.network(what + " talks to its service: " + c.text);
        }
        boolean bare = w.isEmpty();
        for (String word : w) {
            String v = word.toLowerCase(Locale.ROOT);
            if (deleteVerbs.contains(v)) {
                c.tag(Capability.DELETE, Scope.OUTSIDE, what + " " + v + ": " + c.text);
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, what + " " + v + ": " + c.text);
                return;
            }
            if (deployVerbs.contains(v) || deployVerbs.contains(v.split(":")[0])) {
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, what + " " + v + ": " + c.text);
                return;
            }
        }
        if (c.anyArg("--prod", "--production", "-p") && !bare) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, what + " to production: " + c.text);
        }
    }

    // ------------------------------------------------------------------------------------------------ kubernetes

    private static final Set<String> KUBECTL_GLOBAL_VALUE = Set.of("-n", "--namespace", "--context", "--cluster",
            "--kubeconfig", "-s", "--server", "--token", "--user", "--as", "--as-group", "--certificate-authority",
            "--client-certificate", "--client-key", "--request-timeout", "-v", "--v", "--log-file", "--cache-dir",
            "--tls-server-name", "--profile", "--profile-output");
    private static final Set<String> KUBECTL_DEPLOY = Set.of("apply", "create", "replace", "patch", "scale",
            "autoscale", "set", "edit", "drain", "cordon", "uncordon", "taint", "label", "annotate", "expose", "run",
            "delete", "debug", "attach", "exec", "cp", "certificate", "rolling-update");

    private static void kubectl(Call c) {
        String sub = CommandTable.subcommand(c, KUBECTL_GLOBAL_VALUE);
        List<Arg> rest = CommandTable.afterSubcommand(c, KUBECTL_GLOBAL_VALUE);
        for (int i = 0; i < c.args.size(); i++) {
            String v = c.args.get(i).value();
            if (v.equals("--kubeconfig") && i + 1 < c.args.size()) {
                c.path(c.args.get(i + 1), Access.READ);
            } else if (v.startsWith("--kubeconfig=")) {
                c.path(Arg.lit(v.substring("--kubeconfig=".length())), Access.READ);
            }
        }
        if (sub == null) {
            return;
        }
        if (sub.equals("completion") || sub.equals("version") && c.anyArg("--client") || sub.equals("help")
                || sub.equals("explain") || sub.equals("kustomize")) {
            return;
        }
        c.network("kubectl talks to the cluster API: " + c.text);
        List<String> w = CommandTable.words(rest);
        String text = c.text;
        switch (sub) {
            case "rollout" -> {
                String verb = w.isEmpty() ? "" : w.getFirst();
                if (Set.of("restart", "undo", "pause", "resume").contains(verb)) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, "kubectl rollout " + verb + ": " + text);
                }
            }
            case "delete" -> {
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, "kubectl delete: " + text);
                c.tag(Capability.DELETE, Scope.OUTSIDE, "kubectl delete removes cluster resources: " + text);
            }
            case "get", "describe" -> {
                if (!w.isEmpty() && w.getFirst().matches("(?i)(secrets?|secret/.*|secrets?/.*|sa/.*token.*)")
                        || w.stream().anyMatch(x -> x.matches("(?i)secrets?(/.*)?"))) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "kubectl reads cluster secrets: " + text);
                }
            }
            case "config" -> {
                String verb = w.isEmpty() ? "" : w.getFirst();
                if (verb.equals("view") && c.anyArg("--raw", "--flatten") || verb.equals("set-credentials")) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "kubectl config " + verb + " handles credentials: "
                            + text);
                }
            }
            case "proxy", "port-forward" -> {
                String address = VcsCommands.optionValue(c, "--address");
                if (address != null && (address.contains("0.0.0.0") || address.equals("*"))) {
                    c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "kubectl " + sub + " on all interfaces: " + text);
                }
            }
            default -> {
                if (KUBECTL_DEPLOY.contains(sub)) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, "kubectl " + sub + " changes the cluster: " + text);
                    if (sub.equals("create") && !w.isEmpty() && w.getFirst().matches("token|secret")) {
                        c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "kubectl create " + w.getFirst() + ": "
                                + text);
                    }
                    if (sub.equals("run") || sub.equals("exec") || sub.equals("debug")) {
                        if (c.anyArg("--privileged") || text.contains("hostPID") || text.contains("hostNetwork")) {
                            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, "privileged pod: " + text);
                        }
                    }
                    for (int i = 0; i < rest.size(); i++) {
                        String v = rest.get(i).value();
                        if ((v.equals("-f") || v.equals("--filename")) && i + 1 < rest.size()) {
                            Arg f = rest.get(i + 1);
                            if (f.value().contains("://")) {
                                c.url(f.value());
                            } else if (!f.value().equals("-")) {
                                c.path(f, Access.READ);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void helm(Call c) {
        Set<String> global = Set.of("-n", "--namespace", "--kube-context", "--kubeconfig", "--registry-config",
                "--repository-cache", "--repository-config", "--burst-limit", "--kube-apiserver", "--kube-as-user",
                "--kube-token");
        String sub = CommandTable.subcommand(c, global);
        if (sub == null || Set.of("template", "lint", "package", "create", "completion", "version", "help", "env",
                "dependency", "dep", "show", "inspect", "verify").contains(sub)) {
            return;
        }
        c.network("helm talks to the cluster or a chart repository: " + c.text);
        switch (sub) {
            case "install", "upgrade", "rollback", "test" -> c.tag(Capability.DEPLOY, Scope.OUTSIDE, "helm " + sub
                    + ": " + c.text);
            case "uninstall", "delete", "del", "un" -> {
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, "helm " + sub + ": " + c.text);
                c.tag(Capability.DELETE, Scope.OUTSIDE, "helm " + sub + " removes a release: " + c.text);
            }
            case "push" -> c.tag(Capability.PUBLISH, Scope.OUTSIDE, "helm push publishes a chart: " + c.text);
            case "registry" -> {
                if (c.anyArg("login")) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "helm registry login: " + c.text);
                }
            }
            case "plugin" -> {
                if (c.anyArg("install")) {
                    c.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "helm plugin install downloads code: " + c.text);
                }
            }
            case "get" -> {
                if (c.anyArg("values", "all", "manifest")) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "helm get reads release values: " + c.text);
                }
            }
            default -> { }
        }
    }

    private static void terraform(Call c) {
        String sub = CommandTable.subcommand(c, Set.of("-chdir"));
        if (sub == null) {
            return;
        }
        List<Arg> rest = CommandTable.afterSubcommand(c, Set.of("-chdir"));
        List<String> w = CommandTable.words(rest);
        if (sub.equals("run-all") || sub.equals("run") && c.name.equals("terragrunt")) {
            sub = w.isEmpty() ? "" : w.getFirst();
            w = w.isEmpty() ? w : w.subList(1, w.size());
        }
        String text = c.text;
        switch (sub) {
            case "apply" -> {
                c.network("terraform apply: " + text);
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, "terraform apply changes infrastructure: " + text);
                if (c.anyArg("-destroy", "--destroy")) {
                    c.tag(Capability.DELETE, Scope.OUTSIDE, "terraform apply -destroy destroys infrastructure: "
                            + text);
                }
            }
            case "destroy" -> {
                c.network("terraform destroy: " + text);
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, "terraform destroy: " + text);
                c.tag(Capability.DELETE, Scope.OUTSIDE, "terraform destroy destroys infrastructure: " + text);
            }
            case "import", "taint", "untaint", "refresh", "force-unlock" -> {
                c.network("terraform " + sub + ": " + text);
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, "terraform " + sub + " changes state: " + text);
            }
            case "state" -> {
                String verb = w.isEmpty() ? "" : w.getFirst();
                if (Set.of("rm", "mv", "push", "replace-provider").contains(verb)) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, "terraform state " + verb + ": " + text);
                    if (verb.equals("rm")) {
                        c.tag(Capability.DELETE, Scope.OUTSIDE, "terraform state rm: " + text);
                    }
                } else if (verb.equals("pull") || verb.equals("show")) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "terraform state can hold secrets: " + text);
                }
            }
            case "workspace" -> {
                if (!w.isEmpty() && w.getFirst().equals("delete")) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, "terraform workspace delete: " + text);
                    c.tag(Capability.DELETE, Scope.OUTSIDE, "terraform workspace delete: " + text);
                }
            }
            case "output" -> {
                if (c.anyArg("-raw", "-json") || !w.isEmpty()) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "terraform output may print secrets: " + text);
                }
            }
            case "console" -> {
                c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "terraform console reads state and files: " + text);
                c.runStdin(Walker.Interpreter.OTHER);
            }
            case "login" -> c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "terraform login stores a token: "
                    + text);
            case "init", "plan", "get", "providers", "validate?" -> c.network("terraform " + sub
                    + " downloads providers or reads state: " + text);
            default -> { }
        }
    }

    private static void pulumi(Call c) {
        List<String> w = CommandTable.words(c.args);
        if (w.isEmpty()) {
            return;
        }
        String sub = w.getFirst();
        c.network("pulumi: " + c.text);
        switch (sub) {
            case "up", "update", "refresh", "import", "cancel", "watch" -> c.tag(Capability.DEPLOY, Scope.OUTSIDE,
                    "pulumi " + sub + ": " + c.text);
            case "destroy", "down" -> {
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, "pulumi " + sub + ": " + c.text);
                c.tag(Capability.DELETE, Scope.OUTSIDE, "pulumi " + sub + " destroys infrastructure: " + c.text);
            }
            case "stack" -> {
                if (w.size() > 1 && w.get(1).equals("rm")) {
                    c.tag(Capability.DELETE, Scope.OUTSIDE, "pulumi stack rm: " + c.text);
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, "pulumi stack rm: " + c.text);
                } else if (c.anyArg("--show-secrets")) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "pulumi --show-secrets: " + c.text);
                }
            }
            case "state" -> {
                if (w.size() > 1 && Set.of("delete", "unprotect", "rename", "move", "edit").contains(w.get(1))) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, "pulumi state " + w.get(1) + ": " + c.text);
                }
            }
            case "config" -> {
                if (c.anyArg("--show-secrets") || w.size() > 1 && w.get(1).equals("get") && c.anyArg("--secret")) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "pulumi config shows secrets: " + c.text);
                }
            }
            case "login" -> c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "pulumi login: " + c.text);
            default -> { }
        }
    }

    private static void vercel(Call c) {
        List<String> w = CommandTable.words(c.args);
        c.network("vercel: " + c.text);
        String sub = w.isEmpty() ? "" : w.getFirst();
        switch (sub) {
            case "", "deploy", "promote", "rollback", "redeploy", "alias", "domains", "dns", "certs", "scale",
                    "project", "projects", "teams", "integration" -> {
                if (sub.isEmpty() && c.anyArg("--version", "-v", "--help", "-h", "whoami")) {
                    return;
                }
                if (sub.equals("dns") || sub.equals("domains") || sub.equals("certs") || sub.equals("alias")
                        || sub.equals("project") || sub.equals("projects") || sub.equals("teams")) {
                    if (w.size() > 1 && Set.of("ls", "list", "inspect").contains(w.get(1))) {
                        return;
                    }
                }
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, "vercel " + (sub.isEmpty() ? "deploys" : sub) + ": " + c.text);
                if (w.size() > 1 && Set.of("rm", "remove").contains(w.get(1))) {
                    c.tag(Capability.DELETE, Scope.OUTSIDE, "vercel " + sub + " rm: " + c.text);
                }
            }
            case "rm", "remove" -> {
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, "vercel remove: " + c.text);
                c.tag(Capability.DELETE, Scope.OUTSIDE, "vercel remove deletes deployments: " + c.text);
            }
            case "env" -> {
                String verb = w.size() > 1 ? w.get(1) : "";
                if (verb.equals("pull") || verb.equals("ls")) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "vercel env " + verb + " reads secrets: " + c.text);
                    if (verb.equals("pull")) {
                        c.path(Arg.lit(w.size() > 2 ? w.get(2) : ".env.local"), Access.WRITE);
                    }
                } else if (!verb.isEmpty()) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, "vercel env " + verb + ": " + c.text);
                }
            }
            case "pull" -> c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "vercel pull fetches environment "
                    + "variables: " + c.text);
            case "login" -> c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "vercel login: " + c.text);
            default -> {
                if (c.anyArg("--prod", "--production") || !w.isEmpty() && w.getFirst().contains("/")) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, "vercel deploys: " + c.text);
                }
            }
        }
    }

    private static void fly(Call c) {
        List<String> w = CommandTable.words(c.args);
        c.network("fly: " + c.text);
        if (w.isEmpty()) {
            return;
        }
        String sub = w.getFirst();
        String verb = w.size() > 1 ? w.get(1) : "";
        if (Set.of("deploy", "launch", "scale", "restart", "releases", "migrate-to-v2", "redis", "postgres",
                "pg", "volumes", "vol", "ips", "certs").contains(sub) && !Set.of("list", "ls", "show", "status")
                .contains(verb)) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, "fly " + sub + ": " + c.text);
        }
        if (sub.equals("secrets")) {
            if (verb.equals("set") || verb.equals("unset") || verb.equals("import")) {
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, "fly secrets " + verb + ": " + c.text);
            }
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "fly secrets: " + c.text);
        }
        if ((sub.equals("apps") || sub.equals("machine") || sub.equals("m") || sub.equals("volumes"))
                && Set.of("destroy", "delete", "rm", "remove").contains(verb) || sub.equals("destroy")) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, "fly " + sub + " " + verb + ": " + c.text);
            c.tag(Capability.DELETE, Scope.OUTSIDE, "fly " + sub + " " + verb + ": " + c.text);
        }
        if ((sub.equals("machine") || sub.equals("m")) && Set.of("run", "start", "stop", "restart", "update",
                "clone", "kill").contains(verb)) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, "fly machine " + verb + ": " + c.text);
        }
        if (sub.equals("ssh") || sub.equals("console")) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, "fly " + sub + " runs commands on the app: " + c.text);
        }
        if (sub.equals("auth") && (verb.equals("token") || verb.equals("login"))) {
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "fly auth " + verb + ": " + c.text);
        }
    }

    private static void heroku(Call c) {
        List<String> w = CommandTable.words(c.args);
        c.network("heroku: " + c.text);
        if (w.isEmpty()) {
            return;
        }
        String sub = w.getFirst();
        String topic = sub.contains(":") ? sub.substring(0, sub.indexOf(':')) : sub;
        if (sub.equals("config") || sub.equals("config:get") || sub.equals("auth:token") || sub.equals(
                "pg:credentials") || sub.equals("pg:credentials:url") || sub.equals("config:pull")) {
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "heroku " + sub + " reads secrets: " + c.text);
            return;
        }
        if (sub.equals("pg:reset") || sub.equals("pg:drop?")) {
            c.tag(Capability.DB_DESTRUCTIVE, Scope.OUTSIDE, "heroku pg:reset wipes the database: " + c.text);
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, "heroku pg:reset: " + c.text);
            return;
        }
        if (sub.endsWith(":destroy") || sub.equals("destroy") || sub.endsWith(":remove") || sub.endsWith(":delete")
                || sub.endsWith(":rm")) {
            c.tag(Capability.DELETE, Scope.OUTSIDE, "heroku " + sub + ": " + c.text);
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, "heroku " + sub + ": " + c.text);
            return;
        }
        if (sub.equals("run") || sub.startsWith("run:") || sub.startsWith("ps:") || sub.startsWith("releases:")
                || sub.equals("config:set") || sub.equals("config:unset") || sub.equals("config:add")
                || sub.startsWith("maintenance:") || sub.startsWith("addons:") && !sub.equals("addons:info")
                || sub.startsWith("features:") || sub.startsWith("domains:add") || sub.equals("restart")
                || sub.equals("scale") || sub.startsWith("container:release") || sub.startsWith("container:push")
                || sub.startsWith("pg:promote") || sub.startsWith("pg:push") || sub.startsWith("pg:copy")
                || sub.startsWith("stack:set") || sub.startsWith("buildpacks:") && !sub.equals("buildpacks")) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, "heroku " + sub + ": " + c.text);
        }
        if (topic.equals("login") || topic.equals("auth")) {
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "heroku " + sub + ": " + c.text);
        }
    }

    // ------------------------------------------------------------------------------------------------ clouds

    private static final Set<String> AWS_GLOBAL_VALUE = Set.of("--profile", "--region", "--output", "--endpoint-url",
            "--query", "--color", "--cli-read-timeout", "--cli-connect-timeout", "--ca-bundle", "--cli-binary-format");
    private static final Set<String> AWS_SECRET_OPS = Set.of("get-secret-value", "get-session-token", "assume-role",
            "assume-role-with-saml", "assume-role-with-web-identity", "get-login-password", "get-authorization-token",
            "create-access-key", "get-password-data", "generate-db-auth-token", "get-federation-token",
            "get-credentials-for-identity", "get-parameter", "get-parameters", "get-parameters-by-path", "decrypt",
            "export-credentials", "get-role-credentials", "create-login-profile", "update-login-profile",
            "generate-data-key", "batch-get-secret-value");

    private static void aws(Call c) {
        List<String> w = VcsCommands.words(c.args, union(AWS_GLOBAL_VALUE, Set.of("--bucket", "--key", "--acl",
                "--policy", "--name", "--function-name", "--instance-ids", "--group-id", "--cidr", "--protocol",
                "--port", "--secret-id", "--user-name", "--role-name", "--policy-arn", "--trail-name",
                "--log-group-name", "--log-stream-name", "--stack-name", "--template-body", "--parameters",
                "--payload", "--cli-input-json", "--image-id", "--instance-type", "--key-name", "--db-instance-identifier",
                "--attribute", "--operation-type", "--user-ids", "--group-names", "--public-access-block-configuration",
                "--detector-id", "--region", "--filters", "--query", "--profile", "--output", "--cluster", "--service",
                "--task-definition", "--grant-read", "--grant-full-control", "--content-type",
                "--storage-class", "--sse", "--expires-in", "--exclude", "--include")));
        if (w.isEmpty()) {
            return;
        }
        String service = w.getFirst();
        String op = w.size() > 1 ? w.get(1) : "";
        String text = c.text;
        if (service.equals("configure")) {
            if (op.isEmpty() || Set.of("get", "list", "export-credentials", "set", "import", "sso").contains(op)) {
                c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "aws configure " + op + " handles credentials: "
                        + text);
            }
            return;
        }
        c.url("https://" + service + ".amazonaws.com");
        String acl = VcsCommands.optionValue(c, "--acl");
        if (acl != null && acl.toLowerCase(Locale.ROOT).matches("public-read(-write)?|authenticated-read")
                || c.anyArg("--grant-read=uri=http://acs.amazonaws.com/groups/global/AllUsers")
                || text.contains("AllUsers") || text.contains("\"Principal\":\"*\"") || text.contains(
                "\"Principal\": \"*\"") || text.contains("0.0.0.0/0") && op.startsWith("authorize")
                || op.equals("delete-public-access-block") || op.equals("delete-bucket-public-access-block")
                || op.equals("put-public-access-block") && text.contains("false") || c.anyArg("--publicly-accessible")
                || (op.equals("modify-snapshot-attribute") || op.equals("modify-image-attribute")
                || op.equals("modify-db-snapshot-attribute")) && (text.contains("all") || text.contains("All"))
                || service.equals("s3") && op.equals("website") || service.equals("s3") && op.equals("presign")
                || op.equals("add-permission") && text.contains("*")) {
            c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "aws " + service + " " + op + " makes a resource public: "
                    + text);
        }
        if (AWS_SECRET_OPS.contains(op) && !(op.startsWith("get-parameter") && !text.contains("decrypt")
                && !text.contains("SecureString") && false)) {
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "aws " + service + " " + op + " returns credentials: "
                    + text);
        }
        if (service.equals("s3")) {
            s3(c, op, w);
            return;
        }
        if (service.equals("iam") && (op.startsWith("attach-") || op.startsWith("put-") && op.endsWith("-policy")
                || op.equals("create-user") || op.equals("add-user-to-group") || op.equals("create-login-profile")
                || op.equals("update-assume-role-policy") || op.equals("create-role") || op.equals("create-policy-version")
                || op.equals("create-access-key") || op.equals("update-access-key"))) {
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, "aws iam " + op + " grants permissions: " + text);
        }
        if (Set.of("cloudtrail", "guardduty", "config", "logs", "securityhub", "cloudwatch", "events", "detective",
                "inspector", "inspector2", "macie2", "access-analyzer").contains(service)
                && (op.startsWith("delete-") || op.startsWith("stop-") || op.startsWith("disable-")
                || op.equals("update-trail") || op.equals("put-event-selectors") || op.equals("update-detector")
                || op.equals("put-retention-policy"))) {
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "aws " + service + " " + op
                    + " weakens logging or monitoring: " + text);
        }
        String verb = op.contains("-") ? op.substring(0, op.indexOf('-') + 1) : op;
        if (Set.of("delete-", "terminate-", "remove-", "purge-", "deregister-", "detach-", "revoke-", "cancel-",
                "disassociate-", "release-", "reject-").contains(verb) || op.equals("rb") || op.equals("delete")) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, "aws " + service + " " + op + ": " + text);
            if (!verb.equals("detach-") && !verb.equals("disassociate-") && !verb.equals("cancel-")) {
                c.tag(Capability.DELETE, Scope.OUTSIDE, "aws " + service + " " + op + " deletes resources: " + text);
            }
        } else if (Set.of("create-", "update-", "put-", "modify-", "attach-", "run-", "start-", "stop-", "reboot-",
                "register-", "associate-", "enable-", "disable-", "set-", "tag-", "untag-", "authorize-", "import-",
                "restore-", "execute-", "send-", "copy-", "replace-", "reset-", "apply-", "upload-", "rotate-",
                "add-", "publish-", "deploy-", "invoke-", "change-", "allocate-", "accept-", "request-", "batch-",
                "schedule-", "promote-", "failover-", "reload-", "resize-", "scale-", "increase-", "decrease-",
                "mount-", "switch-", "swap-", "transfer-", "unmonitor-", "monitor-").contains(verb)
                || Set.of("invoke", "deploy", "publish", "sync", "push", "package", "cp", "mv").contains(op)) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, "aws " + service + " " + op + " changes cloud resources: " + text);
        }
        if (service.equals("ssm") && (op.equals("send-command") || op.equals("start-session"))
                || service.equals("ec2-instance-connect") || service.equals("ecs") && op.equals("execute-command")) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, "aws " + service + " " + op + " runs commands on instances: "
                    + text);
        }
    }

    private static void s3(Call c, String op, List<String> w) {
        String text = c.text;
        switch (op) {
            case "cp", "mv", "sync" -> {
                List<String> locs = w.subList(2, w.size());
                boolean toBucket = !locs.isEmpty() && locs.getLast().startsWith("s3://");
                for (int i = 0; i < locs.size(); i++) {
                    String loc = locs.get(i);
                    if (!loc.startsWith("s3://")) {
                        c.path(Arg.lit(loc), i == locs.size() - 1 && locs.size() > 1 ? Access.WRITE : Access.READ);
                    }
                }
                if (toBucket) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, "aws s3 " + op + " uploads to a bucket: " + text);
                    c.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "uploads files to " + locs.getLast());
                }
                if (op.equals("mv") || op.equals("sync") && c.anyArg("--delete")) {
                    c.tag(Capability.DELETE, toBucket ? Scope.OUTSIDE : Scope.UNKNOWN, "aws s3 " + op
                            + " deletes files: " + text);
                }
            }
            case "rm", "rb" -> {
                c.tag(Capability.DELETE, Scope.OUTSIDE, "aws s3 " + op + " deletes from a bucket: " + text);
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, "aws s3 " + op + ": " + text);
            }
            case "mb", "website" -> c.tag(Capability.DEPLOY, Scope.OUTSIDE, "aws s3 " + op + ": " + text);
            default -> { }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        var all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static final Set<String> GCLOUD_DEPLOY_VERBS = Set.of("deploy", "create", "update", "patch", "resize",
            "start", "stop", "reset", "restart", "import", "apply", "submit", "set-iam-policy",
            "add-iam-policy-binding", "remove-iam-policy-binding", "enable", "disable", "rollback", "promote",
            "set-traffic", "update-traffic", "scale", "run", "execute", "migrate", "upgrade", "failover", "restore",
            "attach-disk", "detach-disk", "add-metadata", "set-machine-type", "move", "replace", "rotate", "sign",
            "add-access-config", "set-labels", "add-labels", "set-scheduling", "suspend", "resume", "clone",
            "import-csv", "import-sql", "set-password", "set-default", "reboot", "publish", "trigger", "invoke",
            "call", "add-tags", "set-service-account");

    private static void gcloud(Call c) {
        List<String> w = VcsCommands.words(c.args, Set.of("--project", "--region", "--zone", "--format",
                "--account", "--configuration", "--impersonate-service-account", "--member", "--role", "--image",
                "--source", "--machine-type", "--filter", "--limit", "--verbosity", "--flags-file",
                "--billing-project", "--trace-token", "--platform", "--service-account", "--memory", "--cpu",
                "--set-env-vars", "--runtime", "--entry-point", "--tag", "--tags",
                "--metadata", "--scopes", "--network", "--subnet", "--bucket"));
        if (w.isEmpty()) {
            return;
        }
        String text = c.text;
        if (w.get(0).equals("config") || w.get(0).equals("components") && !w.contains("install")
                || w.get(0).equals("info") || w.get(0).equals("help") || w.get(0).equals("topic")) {
            return;
        }
        c.url("https://www.googleapis.com");
        if (w.get(0).equals("auth") && w.stream().anyMatch(x -> x.startsWith("print-") || x.equals("login")
                || x.equals("activate-service-account") || x.equals("application-default"))
                || w.get(0).equals("secrets") && w.contains("access")
                || w.contains("get-credentials") || w.contains("keys") && w.contains("create")
                || w.contains("print-access-token") || w.contains("describe") && w.contains("secrets")) {
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "gcloud returns credentials: " + text);
        }
        if (text.contains("allUsers") || text.contains("allAuthenticatedUsers")) {
            c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "gcloud grants access to everyone: " + text);
        }
        if (w.contains("--allow-unauthenticated") || c.anyArg("--allow-unauthenticated")) {
            c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "gcloud deploys a publicly invocable service: " + text);
        }
        if (w.get(0).equals("logging") && w.contains("delete") || w.get(0).equals("logging") && w.contains("sinks")
                && (w.contains("delete") || w.contains("update"))) {
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "gcloud deletes or redirects audit logs: " + text);
        }
        if (w.contains("ssh") || w.contains("scp")) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, "gcloud compute ssh runs commands on an instance: " + text);
            return;
        }
        for (String word : w) {
            if (word.equals("delete") || word.equals("destroy") || word.equals("remove")) {
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, "gcloud " + String.join(" ", w) + ": " + text);
                c.tag(Capability.DELETE, Scope.OUTSIDE, "gcloud deletes cloud resources: " + text);
                return;
            }
            if (GCLOUD_DEPLOY_VERBS.contains(word)) {
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, "gcloud " + word + " changes cloud resources: " + text);
                if (w.get(0).equals("iam") || word.contains("iam-policy")) {
                    c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, "gcloud changes IAM policy: " + text);
                }
                return;
            }
        }
    }

    private static void gsutil(Call c) {
        List<String> w = CommandTable.words(c.args);
        if (w.isEmpty()) {
            return;
        }
        c.url("https://storage.googleapis.com");
        String sub = w.getFirst();
        String text = c.text;
        if (text.contains("AllUsers") || text.contains("allUsers") || text.contains("AllAuthenticatedUsers")
                || text.contains("public-read")) {
            c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "gsutil makes objects public: " + text);
        }
        switch (sub) {
            case "cp", "mv", "rsync" -> {
                List<String> locs = w.subList(1, w.size());
                if (!locs.isEmpty() && locs.getLast().startsWith("gs://")) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, "gsutil " + sub + " uploads to a bucket: " + text);
                }
                for (int i = 0; i < locs.size(); i++) {
                    if (!locs.get(i).startsWith("gs://")) {
                        c.path(Arg.lit(locs.get(i)), i == locs.size() - 1 ? Access.WRITE : Access.READ);
                    }
                }
                if (sub.equals("mv") || c.anyArg("-d")) {
                    c.tag(Capability.DELETE, Scope.OUTSIDE, "gsutil " + sub + " deletes objects: " + text);
                }
            }
            case "rm", "rb" -> {
                c.tag(Capability.DELETE, Scope.OUTSIDE, "gsutil " + sub + ": " + text);
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, "gsutil " + sub + ": " + text);
            }
            case "acl", "iam", "defacl", "mb", "setmeta", "web", "cors", "lifecycle", "retention", "versioning",
                    "label" -> {
                if (w.size() > 1 && !Set.of("get").contains(w.get(1))) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, "gsutil " + sub + " changes buckets: " + text);
                }
            }
            case "signurl" -> c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "gsutil signurl shares an object: "
                    + text);
            default -> { }
        }
    }

    private static final Set<String> AZ_DEPLOY_VERBS = Set.of("create", "update", "set", "deploy", "start", "stop",
            "restart", "import", "assign", "add", "upload", "purge", "reset", "invoke", "run-command", "scale",
            "swap", "sync", "up", "deallocate", "redeploy", "reimage", "resize", "apply", "restore", "failover",
            "upgrade", "rotate", "generalize", "enable", "disable", "move", "grant", "batch");

    private static void az(Call c) {
        List<String> w = VcsCommands.words(c.args, Set.of("-g", "--resource-group", "-n", "--name", "--subscription",
                "-o", "--output", "--query", "-l", "--location", "--image", "--vault-name", "--public-access",
                "--scope", "--role", "--assignee", "--sku", "--template-file", "--parameters", "--account-name",
                "--container-name", "--file", "-f", "--source", "--destination", "--src", "--dest"));
        if (w.isEmpty() || w.getFirst().equals("config") || w.getFirst().equals("version")
                || w.getFirst().equals("find") || w.getFirst().equals("extension") && !w.contains("add")) {
            return;
        }
        String text = c.text;
        c.url("https://management.azure.com");
        if (w.getFirst().equals("login") || w.contains("get-access-token") || w.getFirst().equals("keyvault")
                && (w.contains("show") || w.contains("download")) && (w.contains("secret") || w.contains("key")
                || w.contains("certificate")) || w.contains("keys") && w.contains("list") || w.contains(
                "show-connection-string") || w.contains("get-credentials") || w.contains("credential") && w.contains(
                "reset") || w.contains("list-keys") || w.contains("generate-sas")) {
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "az returns credentials: " + text);
        }
        String pa = VcsCommands.optionValue(c, "--public-access");
        if (pa != null && !pa.equalsIgnoreCase("off") || text.contains("allow-blob-public-access true")
                || text.contains("--allow-blob-public-access=true") || text.contains("0.0.0.0/0")) {
            c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "az makes storage public: " + text);
        }
        if (w.contains("role") && w.contains("assignment") && w.contains("create")) {
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, "az grants a role: " + text);
        }
        if (w.getFirst().equals("monitor") && (w.contains("delete") || w.contains("diagnostic-settings"))) {
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "az weakens monitoring: " + text);
        }
        for (String word : w) {
            if (word.equals("delete") || word.equals("remove") || word.equals("purge") && !w.contains("cdn")) {
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, "az " + String.join(" ", w) + ": " + text);
                c.tag(Capability.DELETE, Scope.OUTSIDE, "az deletes cloud resources: " + text);
                return;
            }
            if (AZ_DEPLOY_VERBS.contains(word)) {
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, "az " + word + " changes cloud resources: " + text);
                return;
            }
        }
    }

    private static void ansible(Call c) {
        String text = c.text;
        switch (c.name) {
            case "ansible-vault" -> {
                List<String> w = CommandTable.words(c.args);
                if (!w.isEmpty() && Set.of("view", "decrypt", "edit", "rekey").contains(w.getFirst())) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "ansible-vault " + w.getFirst() + ": " + text);
                }
                return;
            }
            case "ansible-galaxy" -> {
                c.network("ansible-galaxy downloads roles: " + text);
                if (c.anyArg("publish", "import")) {
                    c.tag(Capability.PUBLISH, Scope.OUTSIDE, "ansible-galaxy publish: " + text);
                }
                return;
            }
            default -> { }
        }
        c.network(c.name + " connects to managed hosts: " + text);
        if (c.anyArg("--check", "-C", "--syntax-check", "--list-hosts", "--list-tasks")) {
            return;
        }
        String module = VcsCommands.optionValue(c, "-m", "--module-name");
        if (c.name.equals("ansible") && (module == null || module.equals("ping") || module.equals("setup")
                || module.equals("gather_facts"))) {
            return;
        }
        c.tag(Capability.DEPLOY, Scope.OUTSIDE, c.name + " changes remote hosts: " + text);
        if (c.anyArg("-b", "--become", "-K", "--ask-become-pass")) {
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, c.name + " --become runs as root on remote hosts: " + text);
        }
    }

    // ------------------------------------------------------------------------------------------------ containers

    private static final Set<String> DOCKER_GLOBAL_VALUE = Set.of("-H", "--host", "--context", "-c", "--config",
            "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey", "--url", "--connection", "--identity",
            "--root", "--runroot", "--storage-driver", "--cgroup-manager", "--namespace", "-n", "--address", "-f",
            "--file", "-p", "--project-name", "--env-file", "--profile", "--project-directory");

    private static void docker(Call c) {
        String host = VcsCommands.optionValue(c, "-H", "--host", "--url", "--connection");
        if (host != null && !host.startsWith("unix://")) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, c.name + " drives a remote daemon: " + c.text);
            c.network(c.name + " connects to " + host);
        }
        List<String> w = VcsCommands.words(c.args, union(DOCKER_GLOBAL_VALUE, Set.of("-v", "--volume", "-e", "--env",
                "--name", "-w", "--workdir", "-u", "--user", "--network", "--net", "--entrypoint", "-t", "--tag",
                "--mount", "--cap-add", "--cap-drop", "--device", "--pid", "--ipc", "--uts", "--userns",
                "--security-opt", "--restart", "--label", "--platform", "-m", "--memory", "--cpus", "--hostname",
                "-h", "--add-host", "--dns", "--filter", "--format", "--build-arg", "--target", "--secret", "--ssh",
                "--cache-from", "--cache-to", "--output", "-o", "--since", "--until", "--signal", "-s", "--time",
                "--tail", "--publish", "-p", "--expose", "--link", "--log-driver", "--log-opt", "--env-file",
                "--shm-size", "--ulimit", "--runtime", "--gpus", "--stop-signal", "--health-cmd",
                "--replicas", "--mode", "--constraint", "--driver", "--opt", "--subnet", "--gateway", "--ip",
                "--detach-keys", "--scale", "--timeout", "--username", "--password", "--role",
                "--availability", "--attach", "-a", "--limit", "--prefix", "--compose-file")));
        if (w.isEmpty()) {
            return;
        }
        String sub = w.getFirst();
        String verb = w.size() > 1 ? w.get(1) : "";
        String text = c.text;
        if (c.name.equals("docker-compose") || c.name.equals("podman-compose")) {
            sub = "compose";
            verb = w.getFirst();
        }
        if (Set.of("container", "image", "volume", "network", "system", "builder", "node", "secret", "service",
                "stack", "config", "plugin", "context", "swarm", "buildx", "compose", "manifest", "trust", "pod",
                "machine").contains(sub) && !verb.isEmpty()) {
            containerVerb(c, sub, verb, w, text);
            return;
        }
        containerVerb(c, "", sub, w, text);
    }

    private static void containerVerb(Call c, String group, String verb, List<String> w, String text) {
        String what = (group.isEmpty() ? "" : group + " ") + verb;
        String name = c.name;
        switch (verb) {
            case "push" -> {
                c.tag(Capability.PUBLISH, Scope.OUTSIDE, name + " push publishes an image: " + text);
                c.network(name + " push: " + text);
            }
            case "pull", "search" -> c.network(name + " " + what + ": " + text);
            case "build" -> {
                if (c.anyArg("--push") || c.values().stream().anyMatch(v -> v.contains("push=true"))) {
                    c.tag(Capability.PUBLISH, Scope.OUTSIDE, name + " build --push publishes an image: " + text);
                }
                c.network(name + " build fetches base images: " + text);
                if (group.equals("compose")) {
                    return;
                }
            }
            case "run", "create" -> {
                if (group.equals("compose") || group.isEmpty() || group.equals("container")) {
                    containerRun(c, text);
                }
                if (group.equals("service") || group.equals("secret") || group.equals("config")
                        || group.equals("node") || group.equals("stack")) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, name + " " + what + ": " + text);
                }
            }
            case "exec" -> {
                if (c.anyArg("--privileged") || c.anyArg("-u", "--user") && (c.anyArg("root") || c.anyArg("0"))) {
                    c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, name + " exec as root or privileged: " + text);
                }
            }
            case "rm", "rmi", "prune", "remove", "down" -> {
                if (verb.equals("down")) {
                    if (!c.anyArg("-v", "--volumes", "--rmi") && c.values().stream().noneMatch(v -> v.startsWith(
                            "--rmi"))) {
                        c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, name + " compose down stops services: "
                                + text);
                        return;
                    }
                }
                if ((group.equals("buildx") || group.equals("builder")) && (verb.equals("prune") || verb.equals("rm"))
                        || group.equals("image") && verb.equals("prune") && !c.anyArg("-a", "--all")) {
                    // Build cache, builder instances and dangling (untagged) images are rebuilt on demand: freeing
                    // them slows the next build but loses no data. Volumes, containers and tagged images can.
                    c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, name + " " + what + " drops rebuildable build "
                            + "cache: " + text);
                    return;
                }
                c.tag(Capability.DELETE, Scope.OUTSIDE, name + " " + what + " deletes containers, images or "
                        + "volumes: " + text);
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, name + " " + what + ": " + text);
                if (Set.of("node", "secret", "service", "stack", "config").contains(group)) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, name + " " + what + ": " + text);
                }
            }
            case "kill", "stop", "restart", "pause", "unpause", "update", "leave", "wait?" -> {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, name + " " + what + ": " + text);
                if (group.equals("service") || group.equals("swarm")) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, name + " " + what + ": " + text);
                }
            }
            case "deploy", "scale", "rollback", "promote", "demote", "init", "join", "up" -> {
                if (group.equals("compose") && verb.equals("up")) {
                    containerRun(c, text);
                    return;
                }
                if (Set.of("service", "stack", "node", "swarm").contains(group) && !(group.equals("swarm")
                        && verb.equals("init"))) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, name + " " + what + ": " + text);
                } else if (verb.equals("scale")) {
                    c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, name + " " + what + ": " + text);
                }
            }
            case "login" -> c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, name + " login stores registry "
                    + "credentials: " + text);
            case "save", "export", "cp" -> {
                String out = VcsCommands.optionValue(c, "-o", "--output");
                if (out != null) {
                    c.path(Arg.lit(out), Access.WRITE);
                }
                if (verb.equals("cp") && w.size() >= 3) {
                    String dest = w.getLast();
                    if (!dest.contains(":")) {
                        c.path(Arg.lit(dest), Access.WRITE);
                    }
                }
            }
            case "install", "enable" -> {
                if (group.equals("plugin")) {
                    c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, name + " plugin install grants host access: " + text);
                    c.network(name + " plugin install: " + text);
                }
            }
            default -> { }
        }
    }

    private static void containerRun(Call c, String text) {
        for (int i = 0; i < c.args.size(); i++) {
            String v = c.args.get(i).value();
            String next = i + 1 < c.args.size() ? c.args.get(i + 1).value() : "";
            if (v.equals("--privileged") || v.startsWith("--cap-add") && (v.contains("ALL") || next.equals("ALL")
                    || v.contains("SYS_ADMIN") || next.equals("SYS_ADMIN") || next.equals("SYS_PTRACE"))
                    || v.startsWith("--pid=host") || v.equals("--pid") && next.equals("host")
                    || v.startsWith("--userns=host") || v.startsWith("--security-opt") && (v.contains("unconfined")
                    || next.contains("unconfined"))) {
                c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, c.name + " runs a privileged container: " + text);
            }
            if (v.equals("-v") || v.equals("--volume") || v.startsWith("--volume=") || v.equals("--mount")
                    || v.startsWith("--mount=")) {
                String spec = v.contains("=") && !v.equals("--mount") ? v.substring(v.indexOf('=') + 1) : next;
                String hostPath = spec.startsWith("type=") ? spec.replaceAll(".*(?:source|src)=([^,]+).*", "$1")
                        : spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
                if (hostPath.equals("/") || hostPath.matches("/(etc|root|var/run/docker\\.sock|run/docker\\.sock|proc"
                        + "|sys|dev|boot|usr|bin|sbin|lib|home)(/.*)?")) {
                    c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, c.name + " mounts host path " + hostPath
                            + " into a container: " + text);
                } else if (hostPath.startsWith("/") || hostPath.startsWith("~") || hostPath.startsWith(".")) {
                    c.path(Arg.lit(hostPath), Access.WRITE);
                }
            }
            if ((v.equals("-p") || v.equals("--publish")) && next.startsWith("0.0.0.0:")) {
                c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, c.name + " publishes a port on all interfaces: "
                        + text);
            }
            if (v.equals("--net=host") || v.equals("--network=host") || (v.equals("--net") || v.equals("--network"))
                    && next.equals("host")) {
                c.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, c.name + " shares the host network: " + text);
            }
        }
        c.network(c.name + " may pull images: " + text);
    }

    private static void clusters(Call c) {
        List<String> w = CommandTable.words(c.args);
        if (w.isEmpty()) {
            return;
        }
        String text = c.text;
        c.network(c.name + ": " + text);
        for (String word : w) {
            if (Set.of("delete", "destroy", "rm", "remove", "purge", "undefine", "unregistervm", "prune").contains(word)) {
                c.tag(Capability.DELETE, Scope.OUTSIDE, c.name + " " + word + ": " + text);
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " " + word + ": " + text);
                return;
            }
            if (Set.of("stop", "halt", "shutdown", "suspend", "pause", "kill", "poweroff", "reset").contains(word)) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " " + word + ": " + text);
                return;
            }
            if (Set.of("create", "update", "apply", "deploy", "scale", "upgrade").contains(word) && Set.of("eksctl",
                    "doctl", "linode-cli", "hcloud", "scw", "oci", "ibmcloud", "exo", "vultr-cli", "civo", "upcloud")
                    .contains(c.name)) {
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, c.name + " " + word + ": " + text);
                return;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ migrations

    private static void rails(Call c) {
        CommandTable.scanPaths(c);
        List<String> w = CommandTable.words(c.args);
        for (String word : w) {
            dbTask(c, word);
        }
        if (w.contains("server") || w.contains("s")) {
            return;
        }
        if (w.stream().anyMatch(x -> x.startsWith("deploy") || x.startsWith("release") || x.equals("publish"))) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, c.name + " deploy task: " + c.text);
        }
        if (c.name.equals("rake") && w.contains("release")) {
            c.tag(Capability.PUBLISH, Scope.OUTSIDE, "rake release publishes a gem: " + c.text);
        }
    }

    /** A database task name such as {@code db:migrate}, {@code migrate:fresh}, {@code ecto.drop}. */
    static void dbTask(Call c, String word) {
        String t = word.toLowerCase(Locale.ROOT);
        if (t.matches(".*[:.](status|version|abort_if_pending_migrations|check|info|list|print|dump)(:.*)?")) {
            return;
        }
        boolean destructive = t.matches("(db|ecto|database|schema|migrate)[:.](drop|reset|purge|truncate_all|wipe"
                + "|fresh|rollback|schema:load|setup|structure:load|redo|refresh|clean|drop:all)(:.*)?")
                || t.equals("flush") || t.equals("sqlflush") || t.equals("reset_db") || t.equals("db:wipe");
        boolean write = t.matches("(db|ecto|database|migrate)[:.](migrate|seed|create|up|down|load|import|push)(:.*)?")
                || t.equals("migrate") || t.equals("db:migrate") || t.equals("migrate:up") || t.equals("migrate:latest");
        if (destructive) {
            c.tag(Capability.DB_DESTRUCTIVE, Scope.UNKNOWN, word + " drops or wipes database data: " + c.text);
        } else if (write) {
            c.tag(Capability.DB_WRITE, Scope.UNKNOWN, word + " changes the database schema or data: " + c.text);
        } else {
            return;
        }
        if (CommandTable.hasProdMarker(c)) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, word + " against production: " + c.text);
        }
    }

    private static void migrations(Call c) {
        List<String> w = CommandTable.words(c.args);
        if (w.isEmpty()) {
            return;
        }
        String joined = String.join(" ", w).toLowerCase(Locale.ROOT);
        String text = c.text;
        boolean destructive = joined.matches(".*\\b(reset|drop|clean|wipe|fresh|drop-all|dropall|purge|truncate)\\b.*")
                || c.anyArg("--force-reset", "--accept-data-loss") || joined.matches(".*migrate:(reset|fresh|refresh"
                + "|rollback)\\b.*") || joined.matches(".*\\bdown\\b.*") && !c.name.equals("docker");
        boolean write = joined.matches(".*\\b(migrate|migration|upgrade|up|deploy|push|apply|update|run|latest"
                + "|seed|db:migrate|db push|schema:update|schema:sync|sync)\\b.*");
        if (c.name.equals("supabase") && (joined.startsWith("db reset") || joined.startsWith("db push"))
                || c.name.equals("prisma") && (joined.contains("migrate reset") || joined.contains("db push")
                && c.anyArg("--force-reset", "--accept-data-loss"))) {
            destructive = true;
        }
        if (c.name.equals("artisan") || c.name.equals("yii") || c.name.equals("symfony") || c.name.equals(
                "doctrine")) {
            for (String word : w) {
                dbTask(c, word.replace("doctrine:", ""));
            }
        }
        if (destructive) {
            c.tag(Capability.DB_DESTRUCTIVE, Scope.UNKNOWN, c.name + " " + String.join(" ", w)
                    + " drops or resets database data: " + text);
        } else if (write && !joined.matches("(migrate )?(status|info|validate|list|generate|new|create|make|diff"
                + "|format|init|version|help)\\b.*")) {
            c.tag(Capability.DB_WRITE, Scope.UNKNOWN, c.name + " " + String.join(" ", w) + " changes the database: "
                    + text);
        } else {
            return;
        }
        if (CommandTable.hasProdMarker(c) || joined.contains("migrate deploy")) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, c.name + " migrates a production database: " + text);
        }
    }

    private static void capistrano(Call c) {
        List<String> w = CommandTable.words(c.args);
        c.network(c.name + ": " + c.text);
        if (w.isEmpty() && !Set.of("now", "kamal", "mrsk").contains(c.name)) {
            return;
        }
        if (w.stream().anyMatch(x -> x.matches("(?i).*(deploy|rollback|release|apply|push|up|restart|run|exec"
                + "|destroy|remove|redeploy|setup|provision|build|sync|state\\.apply|job).*"))
                || Set.of("chef-client", "puppet", "now", "dpl", "gh-deploy").contains(c.name)) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, c.name + " deploys or changes remote systems: " + c.text);
        }
    }
}
