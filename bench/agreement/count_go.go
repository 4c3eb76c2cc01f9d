// Independent per-file counts for Go, from the language's own packages: code lines are the
// lines any non-comment token of go/scanner spans (a multi-line raw string spans all its lines),
// functions are go/ast FuncDecls with a body plus FuncLits. Prints one JSON object keyed by path.
//
//	go run count_go.go ROOT FILE...
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

type counts struct {
	Code  int `json:"code"`
	Funcs int `json:"funcs"`
}

func codeLines(src []byte) int {
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, scanner.ScanComments)
	lines := map[int]bool{}
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.COMMENT || (tok == token.SEMICOLON && lit == "\n") {
			continue
		}
		start := fset.Position(pos).Line
		for l := start; l <= start+strings.Count(lit, "\n"); l++ {
			lines[l] = true
		}
	}
	return len(lines)
}

func main() {
	root := os.Args[1]
	out := map[string]counts{}
	for _, rel := range os.Args[2:] {
		src, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		c := counts{Code: codeLines(src)}
		if f, err := parser.ParseFile(token.NewFileSet(), rel, src, 0); err == nil {
			ast.Inspect(f, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.FuncDecl:
					if x.Body != nil {
						c.Funcs++
					}
				case *ast.FuncLit:
					c.Funcs++
				}
				return true
			})
		} else {
			c.Funcs = -1
		}
		out[rel] = c
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}
