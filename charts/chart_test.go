// Package charts holds the Helm chart (charts/kamrat); this test renders it
// with helm and checks what a review would: hardened pods, the probes and
// modes the binary supports, only settings the binary has, and an Ingress
// that routes every application path but not /metrics.
//
// helm comes from KAMRAT_HELM (the Makefile sets it to the binary `make
// chart` installs) or PATH. Without it the tests skip, except with CI=true,
// where a missing helm is a failure (.ci/run installs it first).
package charts

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const chartDir = "kamrat"

// valueSets are the configurations every check runs on: the defaults and
// every optional part switched on.
var valueSets = map[string][]string{
	"defaults": nil,
	"all-on":   {"-f", filepath.Join(chartDir, "ci", "all-on-values.yaml")},
}

// operationalPaths are served on the web port for the cluster only.
var operationalPaths = []string{"/metrics", "/healthz", "/readyz"}

func helmBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("KAMRAT_HELM"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("helm"); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("helm not found (KAMRAT_HELM or PATH); `make chart` installs it")
	}
	t.Skip("helm not found (KAMRAT_HELM or PATH); `make chart` installs it")
	return ""
}

// object is one rendered Kubernetes object.
type object map[string]any

func (o object) kind() string { return str(o, "kind") }
func (o object) name() string { return str(o, "metadata", "name") }

// render runs helm template and decodes every object it prints.
func render(t *testing.T, args ...string) []object {
	t.Helper()
	out, err := helmTemplate(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	var objs []object
	dec := yaml.NewDecoder(bytes.NewReader(out))
	for {
		// Into a plain map: yaml would decode nested maps as object too.
		var o map[string]any
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("helm template %v: output is not YAML: %v", args, err)
		}
		if o != nil {
			objs = append(objs, object(o))
		}
	}
	if len(objs) == 0 {
		t.Fatalf("helm template %v rendered nothing", args)
	}
	return objs
}

func helmTemplate(t *testing.T, args ...string) ([]byte, error) {
	cmd := exec.Command(helmBinary(t), append([]string{"template", "kamrat", chartDir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("helm template %v: %v: %s", args, err, stderr.String())
	}
	return out, nil
}

// get walks maps by key; nil when a key is missing.
func get(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			if o, isObj := v.(object); isObj {
				m = o
			} else {
				return nil
			}
		}
		v = m[k]
	}
	return v
}

func str(v any, path ...string) string {
	s, _ := get(v, path...).(string)
	return s
}

func list(v any, path ...string) []any {
	l, _ := get(v, path...).([]any)
	return l
}

func find(objs []object, kind, name string) object {
	for _, o := range objs {
		if o.kind() == kind && o.name() == name {
			return o
		}
	}
	return nil
}

// podSpecs are the pod templates of every Deployment and Job, by object.
func podSpecs(objs []object) map[string]map[string]any {
	specs := map[string]map[string]any{}
	for _, o := range objs {
		if o.kind() == "Deployment" || o.kind() == "Job" {
			spec, _ := get(o, "spec", "template", "spec").(map[string]any)
			specs[o.kind()+"/"+o.name()] = spec
		}
	}
	return specs
}

func containerEnv(c any) map[string]any {
	env := map[string]any{}
	for _, e := range list(c, "env") {
		env[str(e, "name")] = e
	}
	return env
}

func TestChartPodsAreHardened(t *testing.T) {
	for set, args := range valueSets {
		t.Run(set, func(t *testing.T) {
			specs := podSpecs(render(t, args...))
			for _, want := range []string{"Deployment/kamrat-web", "Deployment/kamrat-worker", "Job/kamrat-migrate"} {
				if specs[want] == nil {
					t.Fatalf("%s not rendered (got %v)", want, keys(specs))
				}
			}
			for name, spec := range specs {
				if get(spec, "securityContext", "runAsNonRoot") != true || get(spec, "securityContext", "runAsUser") != 65532 ||
					str(spec, "securityContext", "seccompProfile", "type") != "RuntimeDefault" {
					t.Errorf("%s: pod securityContext %v, want runAsNonRoot, runAsUser 65532, seccomp RuntimeDefault", name, spec["securityContext"])
				}
				if spec["automountServiceAccountToken"] != false {
					t.Errorf("%s: automountServiceAccountToken %v, want false", name, spec["automountServiceAccountToken"])
				}
				tmpVolume := ""
				for _, v := range list(spec, "volumes") {
					if get(v, "emptyDir") != nil {
						tmpVolume = str(v, "name")
					}
				}
				containers := list(spec, "containers")
				if len(containers) == 0 {
					t.Errorf("%s: no containers", name)
				}
				for _, c := range containers {
					sc := get(c, "securityContext")
					if get(sc, "readOnlyRootFilesystem") != true || get(sc, "allowPrivilegeEscalation") != false ||
						get(sc, "runAsNonRoot") != true || get(sc, "privileged") != false ||
						!slices.Contains(list(sc, "capabilities", "drop"), any("ALL")) ||
						str(sc, "seccompProfile", "type") != "RuntimeDefault" {
						t.Errorf("%s: container securityContext %v is not locked down", name, sc)
					}
					for _, kind := range []string{"requests", "limits"} {
						for _, res := range []string{"cpu", "memory"} {
							if get(c, "resources", kind, res) == nil {
								t.Errorf("%s: no resources.%s.%s", name, kind, res)
							}
						}
					}
					mounted := false
					for _, m := range list(c, "volumeMounts") {
						mounted = mounted || (str(m, "mountPath") == "/tmp" && str(m, "name") == tmpVolume && tmpVolume != "")
					}
					if !mounted {
						t.Errorf("%s: /tmp is not a writable emptyDir (volumes %v)", name, spec["volumes"])
					}
				}
			}
		})
	}
}

func TestChartRunsWhatTheBinaryHas(t *testing.T) {
	known := binarySettings(t)
	for set, args := range valueSets {
		t.Run(set, func(t *testing.T) {
			objs := render(t, args...)
			specs := podSpecs(objs)

			web := list(specs["Deployment/kamrat-web"], "containers")[0]
			if got := fmt.Sprint(list(web, "args")); got != "[serve --mode web]" {
				t.Errorf("web args %s, want [serve --mode web]", got)
			}
			port := get(list(web, "ports")[0], "containerPort")
			if str(list(web, "ports")[0], "name") != "http" || str(containerEnv(web)["KAMRAT_ADDR"], "value") != fmt.Sprintf(":%v", port) {
				t.Errorf("web listens on KAMRAT_ADDR %v, container port %v named %q", containerEnv(web)["KAMRAT_ADDR"], port, str(list(web, "ports")[0], "name"))
			}
			for probe, path := range map[string]string{"readinessProbe": "/readyz", "livenessProbe": "/healthz", "startupProbe": "/healthz"} {
				if str(web, probe, "httpGet", "path") != path || str(web, probe, "httpGet", "port") != "http" {
					t.Errorf("web %s %v, want GET %s on port http", probe, get(web, probe), path)
				}
			}

			worker := list(specs["Deployment/kamrat-worker"], "containers")[0]
			if got := fmt.Sprint(list(worker, "args")); got != "[serve --mode worker]" {
				t.Errorf("worker args %s, want [serve --mode worker]", got)
			}
			// Worker mode opens no port: an HTTP probe there could never pass.
			for _, probe := range []string{"readinessProbe", "livenessProbe", "startupProbe", "ports"} {
				if get(worker, probe) != nil {
					t.Errorf("worker has %s, but kamrat serve --mode worker serves no HTTP", probe)
				}
			}

			cm := find(objs, "ConfigMap", "kamrat")
			if str(cm, "data", "KAMRAT_AUTO_MIGRATE") != "false" {
				t.Errorf("ConfigMap KAMRAT_AUTO_MIGRATE %q, want false (the Job migrates)", str(cm, "data", "KAMRAT_AUTO_MIGRATE"))
			}
			for _, c := range []any{web, worker} {
				if _, ok := containerEnv(c)["KAMRAT_MIGRATION_DATABASE_URL"]; ok {
					t.Errorf("%s container has the schema owner's URL", str(c, "name"))
				}
				if get(containerEnv(c)["KAMRAT_DATABASE_URL"], "valueFrom", "secretKeyRef") == nil ||
					get(containerEnv(c)["KAMRAT_ENCRYPTION_KEY"], "valueFrom", "secretKeyRef") == nil {
					t.Errorf("the database URL and the encryption key must come from a Secret: %v", list(c, "env"))
				}
			}

			job := find(objs, "Job", "kamrat-migrate")
			if str(job, "metadata", "annotations", "helm.sh/hook") != "pre-install,pre-upgrade" {
				t.Errorf("migration Job hook %q, want pre-install,pre-upgrade", str(job, "metadata", "annotations", "helm.sh/hook"))
			}
			migrate := list(specs["Job/kamrat-migrate"], "containers")[0]
			var kamratEnv []string
			for name := range containerEnv(migrate) {
				if strings.HasPrefix(name, "KAMRAT_") {
					kamratEnv = append(kamratEnv, name)
				}
			}
			if got := fmt.Sprint(list(migrate, "args")); got != "[migrate up]" || fmt.Sprint(kamratEnv) != "[KAMRAT_MIGRATION_DATABASE_URL]" ||
				get(containerEnv(migrate)["KAMRAT_MIGRATION_DATABASE_URL"], "valueFrom", "secretKeyRef") == nil {
				t.Errorf("migration container runs %s with env %v, want migrate up with only the owner's URL (from a Secret)", got, list(migrate, "env"))
			}

			// Every KAMRAT_* variable the chart sets is one the binary reads.
			var set []string
			for name := range cm["data"].(map[string]any) {
				set = append(set, name)
			}
			for _, c := range []any{web, worker, migrate} {
				for name := range containerEnv(c) {
					set = append(set, name)
				}
			}
			for _, name := range set {
				if strings.HasPrefix(name, "KAMRAT_") && !known[name] {
					t.Errorf("the chart sets %s, which cmd/kamrat does not read", name)
				}
			}
		})
	}
}

// binarySettings are the KAMRAT_* variables cmd/kamrat binds to flags
// (fs.fromEnv(flag, "KAMRAT_…")) or reads directly (getenv("KAMRAT_…")).
func binarySettings(t *testing.T) map[string]bool {
	t.Helper()
	known := map[string]bool{}
	eachGoFile(t, filepath.Join("..", "cmd", "kamrat"), func(f *ast.File, _ *token.FileSet) {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			name := ""
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			case *ast.Ident:
				name = fn.Name
			}
			if name != "fromEnv" && name != "getenv" {
				return true
			}
			lit, ok := call.Args[len(call.Args)-1].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if v, err := strconv.Unquote(lit.Value); err == nil && strings.HasPrefix(v, "KAMRAT_") {
				known[v] = true
			}
			return true
		})
	})
	for _, must := range []string{"KAMRAT_DATABASE_URL", "KAMRAT_MODE", "KAMRAT_ENCRYPTION_KEY"} {
		if !known[must] {
			t.Fatalf("found no %s in cmd/kamrat: the search for settings is broken (found %v)", must, known)
		}
	}
	return known
}

func TestIngressRoutesApplicationPathsOnly(t *testing.T) {
	routes := routePaths(t)
	objs := render(t, valueSets["all-on"]...)
	ing := find(objs, "Ingress", "kamrat")
	if ing == nil {
		t.Fatal("no Ingress rendered with all-on values")
	}
	if hosts := list(ing, "spec", "tls"); len(hosts) != 1 || str(hosts[0], "secretName") == "" {
		t.Errorf("Ingress TLS %v, want one entry with a secret", get(ing, "spec", "tls"))
	}
	type rule struct{ path, pathType string }
	var rules []rule
	for _, r := range list(ing, "spec", "rules") {
		for _, p := range list(r, "http", "paths") {
			rules = append(rules, rule{str(p, "path"), str(p, "pathType")})
			if str(p, "backend", "service", "port", "name") != "http" {
				t.Errorf("Ingress path %s goes to %v, want the Service's http port", str(p, "path"), get(p, "backend"))
			}
		}
	}
	// routed reports whether the Ingress sends a request path to Kamrat,
	// as the Ingress API defines Exact and Prefix (element-wise) matches.
	routed := func(path string) bool {
		for _, r := range rules {
			switch r.pathType {
			case "Exact":
				if path == r.path {
					return true
				}
			case "Prefix":
				prefix := strings.TrimSuffix(r.path, "/")
				if prefix == "" || path == prefix || strings.HasPrefix(path, prefix+"/") {
					return true
				}
			default:
				t.Errorf("Ingress path %s: pathType %q", r.path, r.pathType)
			}
		}
		return false
	}
	for _, p := range routes {
		sample := samplePath(p)
		want := !slices.Contains(operationalPaths, p)
		if routed(sample) != want {
			if want {
				t.Errorf("route %s (e.g. %s) is not routed by the Ingress: add its prefix to ingress.paths in values.yaml", p, sample)
			} else {
				t.Errorf("%s is routed by the Ingress: it must stay inside the cluster", p)
			}
		}
	}
	for _, p := range operationalPaths {
		if !slices.Contains(routes, p) {
			t.Errorf("the binary has no route %s any more; update operationalPaths and the chart's probes", p)
		}
	}
}

// samplePath turns a route pattern into a request path: each :param (or
// wildcard) becomes a value.
func samplePath(pattern string) string {
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") || strings.HasPrefix(s, "+") {
			segs[i] = "x"
		}
	}
	return strings.Join(segs, "/")
}

// routePaths are the path patterns of ui's route table: every composite
// literal with a method and a path field in package ui, the path evaluated
// from string literals and the string constants and variables it names
// (resolved in the enclosing function first, then the package).
func routePaths(t *testing.T) []string {
	t.Helper()
	type fileDecl struct {
		file *ast.File
		fset *token.FileSet
	}
	var files []fileDecl
	pkg := map[string]ast.Expr{}
	eachGoFile(t, filepath.Join("..", "ui"), func(f *ast.File, fset *token.FileSet) {
		files = append(files, fileDecl{f, fset})
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok {
				collectSpecs(g, pkg)
			}
		}
	})
	var paths []string
	for _, fd := range files {
		for _, d := range fd.file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			local := map[string]ast.Expr{}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch s := n.(type) {
				case *ast.AssignStmt:
					if len(s.Lhs) == len(s.Rhs) {
						for i, l := range s.Lhs {
							if id, ok := l.(*ast.Ident); ok {
								local[id.Name] = s.Rhs[i]
							}
						}
					}
				case *ast.GenDecl:
					collectSpecs(s, local)
				case *ast.RangeStmt:
					// A loop variable (one route per export format) stands
					// for a path segment, like a :param.
					for _, v := range []ast.Expr{s.Key, s.Value} {
						if id, ok := v.(*ast.Ident); ok && id.Name != "_" {
							local[id.Name] = &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(":" + id.Name)}
						}
					}
				}
				return true
			})
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				lit, ok := n.(*ast.CompositeLit)
				if !ok {
					return true
				}
				var pathExpr ast.Expr
				hasMethod := false
				for _, e := range lit.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					if k, ok := kv.Key.(*ast.Ident); ok {
						switch k.Name {
						case "path":
							pathExpr = kv.Value
						case "method":
							hasMethod = true
						}
					}
				}
				if pathExpr == nil || !hasMethod {
					return true
				}
				p, err := evalString(pathExpr, local, pkg, 0)
				if err != nil {
					t.Errorf("%s: route path: %v; teach routePaths this expression", fd.fset.Position(pathExpr.Pos()), err)
					return true
				}
				if first := strings.Split(p, "/"); len(first) < 2 || first[0] != "" || strings.HasPrefix(first[1], ":") {
					t.Errorf("%s: route path %q: its first segment is not fixed, so the Ingress cannot be checked", fd.fset.Position(pathExpr.Pos()), p)
					return true
				}
				paths = append(paths, p)
				return true
			})
		}
	}
	if !slices.Contains(paths, "/r/:region") || len(paths) < 50 {
		t.Fatalf("found %d routes in ui (%v): the route table search is broken", len(paths), paths)
	}
	slices.Sort(paths)
	return slices.Compact(paths)
}

func collectSpecs(g *ast.GenDecl, into map[string]ast.Expr) {
	if g.Tok != token.CONST && g.Tok != token.VAR {
		return
	}
	for _, s := range g.Specs {
		vs, ok := s.(*ast.ValueSpec)
		if !ok || len(vs.Values) != len(vs.Names) {
			continue
		}
		for i, n := range vs.Names {
			into[n.Name] = vs.Values[i]
		}
	}
}

func evalString(e ast.Expr, local, pkg map[string]ast.Expr, depth int) (string, error) {
	if depth > 20 {
		return "", errors.New("constants nest too deep")
	}
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind == token.STRING {
			return strconv.Unquote(x.Value)
		}
	case *ast.ParenExpr:
		return evalString(x.X, local, pkg, depth+1)
	case *ast.BinaryExpr:
		if x.Op == token.ADD {
			l, err := evalString(x.X, local, pkg, depth+1)
			if err != nil {
				return "", err
			}
			r, err := evalString(x.Y, local, pkg, depth+1)
			return l + r, err
		}
	case *ast.Ident:
		if v, ok := local[x.Name]; ok {
			return evalString(v, local, pkg, depth+1)
		}
		if v, ok := pkg[x.Name]; ok {
			return evalString(v, nil, pkg, depth+1)
		}
		return "", fmt.Errorf("cannot resolve %s", x.Name)
	}
	return "", fmt.Errorf("cannot evaluate %T", e)
}

// eachGoFile parses the non-test Go files of dir.
func eachGoFile(t *testing.T, dir string, fn func(*ast.File, *token.FileSet)) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		fn(f, fset)
	}
}

func TestChartRefusesIncompleteSettings(t *testing.T) {
	for _, tc := range []struct{ set, want string }{
		{"ingress.enabled=true", "ingress.host is required"},
		{"secrets.create=true", "secrets.values.databaseUrl is required"},
		{"secrets.create=true,secrets.values.databaseUrl=postgres://a@b/c,secrets.values.encryptionKey=k", "secrets.values.migrationDatabaseUrl is required"},
		{"config.smtp.host=smtp.example", "config.smtp.from is required"},
		{"config.smtp.from=a@example.se", "config.smtp.host is required"},
		{"config.smtp.host=h,config.smtp.from=a@example.se,config.smtp.username=u,config.smtp.tls=none", "cannot carry a password"},
		{"web.autoscaling.minReplicas=9", "minReplicas must not exceed"},
	} {
		_, err := helmTemplate(t, "--set", tc.set)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--set %s: error %v, want one saying %q", tc.set, err, tc.want)
		}
	}
	// The checks do not refuse what is complete.
	if _, err := helmTemplate(t, "--set", "ingress.enabled=true,ingress.host=kamrat.example.se"); err != nil {
		t.Errorf("a complete Ingress is refused: %v", err)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
