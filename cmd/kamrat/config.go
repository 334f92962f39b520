package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/kamrat/kamrat/tenants"
)

var errHelp = errors.New("help shown")

// flagSet wraps flag.FlagSet so that each flag can also come from a
// KAMRAT_* environment variable, and so that errors name the setting the
// way the user gave it (flag or variable).
type flagSet struct {
	*flag.FlagSet
	envNames map[string]string // flag name → environment variable
	out      io.Writer
}

func newFlagSet(name string, out io.Writer) *flagSet {
	fs := flag.NewFlagSet("kamrat "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flagSet{FlagSet: fs, envNames: map[string]string{}, out: out}
}

// fromEnv binds flag name to an environment variable.
func (fs *flagSet) fromEnv(name, envName string) {
	fs.envNames[name] = envName
	f := fs.Lookup(name)
	f.Usage += " [" + envName + "]"
}

// parse reads the arguments, then fills every flag not given on the command
// line from its environment variable.
func (fs *flagSet) parse(args []string, getenv env) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(fs.out)
			fs.PrintDefaults()
			return errHelp
		}
		return usagef("%v (run with -h for help)", err)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for name, envName := range fs.envNames {
		v := getenv(envName)
		if given[name] || v == "" {
			continue
		}
		if err := fs.Set(name, v); err != nil {
			return usagef("%s: invalid value %q: %v", envName, v, err)
		}
	}
	return nil
}

// setting names a flag for messages: "--addr / KAMRAT_ADDR".
func (fs *flagSet) setting(name string) string {
	if env, ok := fs.envNames[name]; ok {
		return "--" + name + " / " + env
	}
	return "--" + name
}

// databaseFlags are shared by every command that opens the database.
type databaseFlags struct {
	url string
}

func (d *databaseFlags) register(fs *flagSet) {
	fs.StringVar(&d.url, "database-url", tenants.DefaultDatabaseURL,
		"database: sqlite:PATH (embedded) or postgres://USER@HOST:PORT/DB")
	fs.fromEnv("database-url", "KAMRAT_DATABASE_URL")
}

func (d *databaseFlags) location(fs *flagSet) (tenants.Location, error) {
	loc, err := tenants.ParseDatabaseURL(d.url)
	if err != nil {
		return tenants.Location{}, usagef("%s: %v", fs.setting("database-url"), err)
	}
	return loc, nil
}

func parseLogLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(s))); err != nil {
		return 0, fmt.Errorf("want debug, info, warn or error")
	}
	return l, nil
}
