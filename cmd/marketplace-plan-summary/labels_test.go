package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The provider's document tree (internal/document/document.go), read as source: this
// command does not import the provider. Every field of the tree must have a label here, of
// the same kind (a code exactly where the tree checks UPPER_SNAKE_CASE codes), and every
// label must name a field of the tree.
func TestEveryFieldHasALabel(t *testing.T) {
	tree := providerTree(t)
	if len(tree) < 40 {
		t.Fatalf("read only %d fields from document.go: has the tree moved?", len(tree))
	}
	for path, kind := range tree {
		f := fieldByPath[path]
		switch {
		case f == nil:
			t.Errorf("%s (a field of internal/document/document.go) has no label in fields.go", path)
		case f.kind != kind:
			t.Errorf("%s is of kind %d in document.go, %d in fields.go", path, kind, f.kind)
		}
	}
	for _, f := range fields {
		if _, ok := tree[f.path]; !ok {
			t.Errorf("fields.go labels %s, which document.go does not have", f.path)
		}
		if strings.TrimSpace(f.label) == "" {
			t.Errorf("%s has an empty label", f.path)
		}
	}
}

// providerTree reads CommonCloud's calls (object, str, flag, strSet) from document.go.
func providerTree(t *testing.T) map[string]fieldKind {
	t.Helper()
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "../../internal/document/document.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var root ast.Expr
	ast.Inspect(file, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Names) == 1 && vs.Names[0].Name == "CommonCloud" {
			root = vs.Values[0]
		}
		return root == nil
	})
	if root == nil {
		t.Fatal("CommonCloud not found in document.go")
	}
	out := map[string]fieldKind{}
	var walk func(parent string, e ast.Expr, top bool)
	walk = func(parent string, e ast.Expr, top bool) {
		call, ok := e.(*ast.CallExpr)
		if !ok {
			return
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok { // object(...).withObjectValidators(...)
			walk(parent, sel.X, top)
			return
		}
		fn, ok := call.Fun.(*ast.Ident)
		if !ok || len(call.Args) == 0 {
			return
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok {
			return
		}
		name, _ := strconv.Unquote(lit.Value)
		path := joinPath(parent, name)
		if top {
			path = ""
		}
		code := false
		for _, a := range call.Args[1:] {
			if c, ok := a.(*ast.CallExpr); ok {
				if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "upperSnake" {
					code = true
				}
			}
		}
		switch fn.Name {
		case "object":
			if !top {
				out[path] = kindObject
			}
			for _, c := range call.Args[2:] {
				walk(path, c, false)
			}
		case "str":
			out[path] = map[bool]fieldKind{false: kindText, true: kindCode}[code]
		case "strSet":
			out[path] = map[bool]fieldKind{false: kindSet, true: kindCodeSet}[code]
		case "flag":
			out[path] = kindFlag
		}
	}
	walk("", root, true)
	return out
}

// The API reference's example documents: every field of commonCloud but properties (the
// server's metadata) has a label. The reference lives beside the repository, in the shared
// folder of the project's workspace; without it, the test has nothing to read.
func TestTheReferenceExampleHasLabels(t *testing.T) {
	data, err := os.ReadFile("../../../shared/reference/marketplace-privacy-security-v3.md")
	if os.IsNotExist(err) {
		t.Skip("the API reference is not beside this work tree")
	}
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```json\n(.*?)```").FindAllStringSubmatch(string(data), -1)
	checked := 0
	for _, b := range blocks {
		var body struct {
			CommonCloud map[string]any `json:"commonCloud"`
		}
		if json.Unmarshal([]byte(b[1]), &body) != nil || body.CommonCloud == nil {
			continue
		}
		delete(body.CommonCloud, "properties")
		for path := range leaves(body.CommonCloud) {
			checked++
			if fieldByPath[path] == nil {
				t.Errorf("%s (in the API reference's example) has no label", path)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no example document found in the API reference")
	}
}
