// Command releasetool packs, describes and verifies the release archives
// that .ci/release builds; it uses only the standard library and the
// modules go.mod already lists, so it runs wherever the project builds.
//
//	releasetool archive -o FILE -root NAME -mtime UNIX FILE...   (a .tar.gz or a .zip, by FILE's name)
//	releasetool sbom -o FILE -version V -mtime UNIX BINARY...    (CycloneDX 1.5 JSON)
//	releasetool verify -version V -commit C DIR                  (every archive of DIR against DIR/checksums.txt)
package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Commands are the binaries every archive holds.
var Commands = []string{"mockteamtailor", "ttconformance", "examplepartner"}

const modulePath = "github.com/mockteamtailor/mockteamtailor"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: releasetool archive|sbom|verify ...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "archive":
		err = archiveCmd(os.Args[2:])
	case "sbom":
		err = sbomCmd(os.Args[2:])
	case "verify":
		err = verifyCmd(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "releasetool:", err)
		os.Exit(1)
	}
}

func archiveCmd(args []string) error {
	fs := flag.NewFlagSet("archive", flag.ContinueOnError)
	out := fs.String("o", "", "archive to write: NAME.tar.gz or NAME.zip")
	root := fs.String("root", "", "folder the files are put in inside the archive")
	mtime := fs.Int64("mtime", 0, "modification time of every entry (Unix seconds), for reproducible archives")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *root == "" || fs.NArg() == 0 {
		return errors.New("archive needs -o, -root and files")
	}
	when := time.Unix(*mtime, 0).UTC()
	var buf bytes.Buffer
	var err error
	switch {
	case strings.HasSuffix(*out, ".tar.gz"):
		err = writeTarGz(&buf, *root, when, fs.Args())
	case strings.HasSuffix(*out, ".zip"):
		err = writeZip(&buf, *root, when, fs.Args())
	default:
		err = fmt.Errorf("%s: name it .tar.gz or .zip", *out)
	}
	if err != nil {
		return err
	}
	return os.WriteFile(*out, buf.Bytes(), 0o644)
}

// mode is the mode of a file in an archive: executables stay executable.
func mode(path string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	if st.Mode()&0o111 != 0 || strings.HasSuffix(path, ".exe") {
		return 0o755, nil
	}
	return 0o644, nil
}

func writeTarGz(w io.Writer, root string, when time.Time, files []string) error {
	gz, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
	gz.ModTime = when
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: root + "/", Mode: 0o755, ModTime: when, Format: tar.FormatPAX}); err != nil {
		return err
	}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		m, err := mode(f)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: root + "/" + filepath.Base(f), Mode: m, Size: int64(len(body)), ModTime: when, Format: tar.FormatPAX}); err != nil {
			return err
		}
		if _, err := tw.Write(body); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(w io.Writer, root string, when time.Time, files []string) error {
	zw := zip.NewWriter(w)
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		m, err := mode(f)
		if err != nil {
			return err
		}
		h := &zip.FileHeader{Name: root + "/" + filepath.Base(f), Method: zip.Deflate, Modified: when}
		h.SetMode(os.FileMode(m))
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := fw.Write(body); err != nil {
			return err
		}
	}
	return zw.Close()
}

// The CycloneDX 1.5 document, as much of it as a Go binary's build
// information fills.
type bom struct {
	BOMFormat    string       `json:"bomFormat"`
	SpecVersion  string       `json:"specVersion"`
	SerialNumber string       `json:"serialNumber"`
	Version      int          `json:"version"`
	Metadata     bomMetadata  `json:"metadata"`
	Components   []component  `json:"components"`
	Dependencies []dependency `json:"dependencies"`
}

type bomMetadata struct {
	Timestamp string    `json:"timestamp"`
	Tools     bomTools  `json:"tools"`
	Component component `json:"component"`
}

type bomTools struct {
	Components []component `json:"components"`
}

type component struct {
	Type       string     `json:"type"`
	BOMRef     string     `json:"bom-ref,omitempty"`
	Name       string     `json:"name"`
	Version    string     `json:"version,omitempty"`
	PURL       string     `json:"purl,omitempty"`
	Properties []property `json:"properties,omitempty"`
}

type property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type dependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

func purl(path, version string) string { return "pkg:golang/" + path + "@" + version }

func sbomCmd(args []string) error {
	fs := flag.NewFlagSet("sbom", flag.ContinueOnError)
	out := fs.String("o", "", "file to write")
	version := fs.String("version", "", "the release's version")
	mtime := fs.Int64("mtime", 0, "the document's timestamp (Unix seconds)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *version == "" || fs.NArg() == 0 {
		return errors.New("sbom needs -o, -version and binaries")
	}
	doc := bom{BOMFormat: "CycloneDX", SpecVersion: "1.5", Version: 1,
		Metadata: bomMetadata{Timestamp: time.Unix(*mtime, 0).UTC().Format(time.RFC3339),
			Tools:     bomTools{Components: []component{{Type: "application", Name: "releasetool", Version: *version}}},
			Component: component{Type: "application", BOMRef: purl(modulePath, *version), Name: modulePath, Version: *version, PURL: purl(modulePath, *version)}}}
	libs := map[string]component{}
	deps := map[string][]string{}
	for _, bin := range fs.Args() {
		bi, err := buildinfo.ReadFile(bin)
		if err != nil {
			return fmt.Errorf("%s: %w", bin, err)
		}
		settings := map[string]string{}
		for _, s := range bi.Settings {
			settings[s.Key] = s.Value
		}
		name := strings.TrimSuffix(filepath.Base(bin), ".exe")
		ref := fmt.Sprintf("%s?goos=%s&goarch=%s", purl(bi.Path, *version), settings["GOOS"], settings["GOARCH"])
		doc.Components = append(doc.Components, component{Type: "application", BOMRef: ref, Name: name, Version: *version, PURL: ref,
			Properties: []property{{Name: "go:version", Value: bi.GoVersion}, {Name: "go:package", Value: bi.Path},
				{Name: "go:GOOS", Value: settings["GOOS"]}, {Name: "go:GOARCH", Value: settings["GOARCH"]}, {Name: "go:CGO_ENABLED", Value: settings["CGO_ENABLED"]}}})
		std := purl("stdlib", bi.GoVersion)
		libs[std] = component{Type: "library", BOMRef: std, Name: "stdlib", Version: bi.GoVersion, PURL: std}
		on := []string{std}
		for _, m := range bi.Deps {
			if m.Replace != nil {
				m = m.Replace
			}
			p := purl(m.Path, m.Version)
			c := component{Type: "library", BOMRef: p, Name: m.Path, Version: m.Version, PURL: p}
			if m.Sum != "" {
				c.Properties = []property{{Name: "go:module:sum", Value: m.Sum}}
			}
			libs[p] = c
			on = append(on, p)
		}
		slices.Sort(on)
		deps[ref] = on
	}
	for _, k := range slices.Sorted(maps.Keys(libs)) {
		doc.Components = append(doc.Components, libs[k])
	}
	for _, k := range slices.Sorted(maps.Keys(deps)) {
		doc.Dependencies = append(doc.Dependencies, dependency{Ref: k, DependsOn: deps[k]})
	}
	// The serial number is derived from the content, so the same release
	// gives the same document.
	content, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	doc.SerialNumber = "urn:uuid:" + uuid.NewSHA1(uuid.NameSpaceURL, content).String()
	raw, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(*out, append(raw, '\n'), 0o644)
}

// verifyCmd checks a release folder as a user would use it: every file
// listed in checksums.txt has its checksum; every archive unpacks and
// holds the three commands, built for the platform its name says, with
// the release's version and commit stamped.
func verifyCmd(args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	version := fs.String("version", "", "the version every binary must carry")
	commit := fs.String("commit", "", "the commit every binary must carry")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *version == "" {
		return errors.New("verify needs -version and the release folder")
	}
	dir := fs.Arg(0)
	sums, err := readChecksums(filepath.Join(dir, "checksums.txt"))
	if err != nil {
		return err
	}
	var problems []error
	archives := 0
	for _, name := range slices.Sorted(maps.Keys(sums)) {
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			problems = append(problems, err)
			continue
		}
		got := sha256.Sum256(body)
		if hex.EncodeToString(got[:]) != sums[name] {
			problems = append(problems, fmt.Errorf("%s: SHA-256 %x, checksums.txt says %s", name, got, sums[name]))
			continue
		}
		if !strings.HasSuffix(name, ".tar.gz") && !strings.HasSuffix(name, ".zip") {
			fmt.Printf("ok  %s (checksum)\n", name)
			continue
		}
		archives++
		if err := verifyArchive(name, body, *version, *commit); err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", name, err))
			continue
		}
		fmt.Printf("ok  %s (checksum; unpacks; %s built for its platform, version %s)\n", name, strings.Join(Commands, ", "), *version)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if _, listed := sums[e.Name()]; !listed && e.Name() != "checksums.txt" {
			problems = append(problems, fmt.Errorf("%s is not in checksums.txt", e.Name()))
		}
	}
	if archives == 0 {
		problems = append(problems, errors.New("no archive in checksums.txt"))
	}
	return errors.Join(problems...)
}

func readChecksums(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 || name == "" || strings.ContainsAny(name, "/\\") {
			return nil, fmt.Errorf("%s: %q is not \"<sha256>  <file>\"", path, sc.Text())
		}
		sums[name] = sum
	}
	return sums, sc.Err()
}

// verifyArchive unpacks an archive named <project>_<version>_<os>_<arch>
// and checks its binaries.
func verifyArchive(name string, body []byte, version, commit string) error {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".tar.gz"), ".zip")
	parts := strings.Split(base, "_")
	if len(parts) < 4 {
		return errors.New("name is not <project>_<version>_<os>_<arch>")
	}
	goos, goarch := parts[len(parts)-2], parts[len(parts)-1]
	files := map[string][]byte{}
	if strings.HasSuffix(name, ".zip") {
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			return err
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				return err
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", f.Name, err)
			}
			files[f.Name] = b
		}
	} else {
		gz, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return err
		}
		tr := tar.NewReader(gz)
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			if h.Typeflag != tar.TypeReg {
				continue
			}
			if h.Mode&0o111 == 0 && !strings.HasSuffix(h.Name, ".md") {
				return fmt.Errorf("%s is not executable", h.Name)
			}
			b, err := io.ReadAll(tr)
			if err != nil {
				return err
			}
			files[h.Name] = b
		}
	}
	exe := ""
	if goos == "windows" {
		exe = ".exe"
	}
	for _, c := range Commands {
		path := base + "/" + c + exe
		b, ok := files[path]
		if !ok {
			return fmt.Errorf("%s is missing", path)
		}
		bi, err := buildinfo.Read(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		settings := map[string]string{}
		for _, s := range bi.Settings {
			settings[s.Key] = s.Value
		}
		if settings["GOOS"] != goos || settings["GOARCH"] != goarch {
			return fmt.Errorf("%s is built for %s/%s", path, settings["GOOS"], settings["GOARCH"])
		}
		if settings["CGO_ENABLED"] != "0" || settings["-trimpath"] != "true" {
			return fmt.Errorf("%s is not built with CGO_ENABLED=0 -trimpath", path)
		}
		// -trimpath leaves -ldflags out of the build information: look
		// for the stamped strings themselves (running the binary, which
		// only its own platform can, prints them: .ci/release-check).
		if !bytes.Contains(b, []byte(version)) || (commit != "" && !bytes.Contains(b, []byte(commit))) {
			return fmt.Errorf("%s does not carry version %s and commit %s", path, version, commit)
		}
	}
	return nil
}
