package mockclient

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// maxEvent bounds one server-sent event: a journal entry holds two bodies
// of at most 64 KiB each, JSON-escaped.
const maxEvent = 4 << 20

// ErrStreamClosed means the mock ended the delivery stream (it shut down).
var ErrStreamClosed = controlapi.ErrStreamClosed

// StreamDeliveries calls fn with each new journal entry, as the mock
// records it, until ctx ends (it then returns ctx.Err()) or the stream
// breaks. Entries recorded before the call are not sent: read them with
// Deliveries. A subscriber too slow for the mock misses entries rather
// than slowing deliveries down; their ids tell.
func (c *Client) StreamDeliveries(ctx context.Context, fn func(store.Delivery)) error {
	// The stream lasts as long as the caller wants: no client timeout.
	hc := *c.hc
	hc.Timeout = 0
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+v1+"/deliveries/stream", nil)
	if err != nil {
		return fmt.Errorf("mock URL %q: %w", c.base, err)
	}
	req.Header.Set("Accept", "text/event-stream")
	c.authorize(req)
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &UnreachableError{URL: c.base, Err: unwrapURLError(err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return apiError(resp.StatusCode, data)
	}
	err = readEvents(resp.Body, func(event, data string) error {
		if event != "delivery" {
			return nil
		}
		var d store.Delivery
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			return fmt.Errorf("the delivery stream sent an entry that is not a delivery: %w", err)
		}
		fn(d)
		return nil
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// readEvents parses a text/event-stream: fields up to a blank line make
// one event; comment lines (":") are skipped. It returns ErrStreamClosed at
// the end of the stream.
func readEvents(r io.Reader, fn func(event, data string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxEvent)
	event, data := "", []string{}
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			if len(data) > 0 {
				if event == "" {
					event = "message"
				}
				if err := fn(event, strings.Join(data, "\n")); err != nil {
					return err
				}
			}
			event, data = "", data[:0]
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			event = value
		case "data":
			data = append(data, value)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading the delivery stream: %w", err)
	}
	return ErrStreamClosed
}
