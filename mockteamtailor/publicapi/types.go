package publicapi

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// types is every resource type /v1 serves (docs/public-api.md
// §9), by name.
var types = map[string]*resourceType{}

func init() {
	for _, t := range []*resourceType{
		{name: "companies", read: "admin", attrs: []string{"name", "locale", "website"}, rels: rels("manager:users"), load: loadCompany},
		{name: "users", read: "public", list: true, load: loadUsers,
			attrs: []string{"name", "email", "login-email", "username", "title", "role", "role-addons", "external-id", "phone", "picture",
				"description", "visible", "hide-email", "signature", "facebook-profile", "instagram-profile", "linkedin-profile",
				"twitter-profile", "google-profile", "other-profile"},
			rels:    rels("department:departments", "location:locations", "jobs:jobs*", "activities:activities*", "teams", "team-memberships", "notification-settings"),
			filters: map[string]filterFunc{"email": attrFilter("email", true), "department": relFilter("department"), "external-id": attrFilter("external-id", false)}},
		{name: "jobs", read: "public", list: true, load: loadJobs, sort: []sortKey{{name: "pinned", desc: true}, {name: "id", desc: true}},
			attrs: []string{"title", "pitch", "body", "apply-button-text", "status", "human-status", "internal", "internal-name", "start-date",
				"end-date", "pinned", "picture", "tags", "external-application-url", "name-requirement", "resume-requirement",
				"cover-letter-requirement", "phone-requirement", "additional-files-requirement", "remote-status", "language-code",
				"recruiter-email", "mailbox", "sharing-image-layout", "created-at", "updated-at"},
			rels: rels("user:users", "department:departments", "role:roles", "locations:locations*", "stages:stages*", "candidates:candidates*",
				"custom-field-values:custom-field-values*", "activities:activities*", "location", "regions", "questions", "picked-questions",
				"colleagues", "team-memberships", "requisition", "custom-fields"),
			filters: map[string]filterFunc{"status": jobStatusFilter, "feed": jobFeedFilter, "department": relFilter("department"),
				"role": relFilter("role"), "locations": relFilter("locations"), "regions": relFilter("regions")}},
		{name: "stages", read: "admin", list: true, load: loadStages,
			attrs: []string{"name", "legacy-stage-type-name", "row-order", "active-job-applications-count", "rejected-job-applications-count", "created-at", "updated-at"},
			rels:  rels("job:jobs", "job-applications:job-applications*", "triggers", "stage-type")},
		{name: "candidates", read: "admin", list: true, load: loadCandidates, one: oneCandidate,
			attrs: []string{"first-name", "last-name", "email", "phone", "picture", "pitch", "linkedin-url", "linkedin-uid", "facebook-id",
				"linkedin-profile", "facebook-profile", "resume", "original-resume", "referring-url", "referring-site", "sourced", "referred",
				"connected", "internal", "unsubscribed", "tags", "consent-future-jobs-at", "created-at", "updated-at"},
			rels: rels("job-applications:job-applications*", "department:departments", "role:roles", "locations:locations*",
				"custom-field-values:custom-field-values*", "partner-results:partner-results*", "uploads:uploads*", "questions:questions*",
				"answers:answers*", "activities:activities*", "regions"),
			filters: map[string]filterFunc{"email": attrFilter("email", true), "department": relFilter("department"), "role": relFilter("role"),
				"locations": relFilter("locations"), "regions": relFilter("regions"), "connected": attrFilter("connected", true),
				"created-at": dateFilter("created-at"), "updated-at": dateFilter("updated-at")}},
		{name: "job-applications", read: "admin", write: "admin", list: true, load: loadApplications, one: oneApplication,
			attrs: []string{"cover-letter", "sourced", "referring-url", "referring-site", "rejected-at", "changed-stage-at", "row-order", "created-at", "updated-at"},
			rels:  rels("candidate:candidates", "job:jobs", "stage:stages", "reject-reason:reject-reasons"),
			filters: map[string]filterFunc{"stage-type": hiddenFilter("stage-type"), "created-at": dateFilter("created-at"),
				"updated-at": dateFilter("updated-at"), "changed-stage-at": dateFilter("changed-stage-at")}},
		{name: "reject-reasons", read: "admin", write: "admin", list: true, load: loadRejectReasons,
			attrs: []string{"reason", "rejected-by-company"}, rels: rels("job-applications:job-applications*")},
		{name: "departments", read: "public", list: true, load: loadDepartments, attrs: []string{"name"}, rels: rels("roles", "teams", "manager")},
		{name: "roles", read: "public", list: true, load: loadRoles, attrs: []string{"name"}, rels: rels("department:departments", "teams")},
		{name: "locations", read: "public", list: true, load: loadLocations,
			attrs: []string{"name", "address", "city", "zip", "country", "phone", "email", "headquarters", "lat", "long"}, rels: rels("teams", "regions")},
		{name: "custom-fields", read: "admin", list: true, load: loadFields,
			attrs: []string{"name", "api-name", "field-type", "owner-type", "created-at", "updated-at", "is-private", "is-hidden",
				"is-required", "is-featured", "is-searchable", "is-external"},
			rels:    rels("custom-field-values:custom-field-values*", "custom-field-options:custom-field-options*"),
			filters: map[string]filterFunc{"api-name": attrFilter("api-name", false), "field-type": attrFilter("field-type", true)}},
		{name: "custom-field-options", read: "admin", list: true, load: loadOptions, attrs: []string{"value"}, rels: rels("custom-field:custom-fields")},
		{name: "custom-field-values", read: "admin", write: "admin", list: true, load: loadValues, attrs: []string{"value", "field-type"},
			rels:    rels("custom-field:custom-fields", "owner:any"),
			filters: map[string]filterFunc{"field-type": attrFilter("field-type", true)}},
		{name: "notes", read: "admin", write: "admin", list: true, load: loadNotes,
			attrs: []string{"note", "user-id", "candidate-id", "created-by-trigger", "mentioned-user-ids", "private-note", "created-at", "updated-at"},
			rels:  rels("candidate:candidates", "user:users")},
		{name: "uploads", read: "admin", list: true, load: loadUploads,
			attrs:   []string{"url", "file-name", "internal", "created-at", "updated-at"},
			rels:    rels("candidate:candidates", "job:jobs"),
			filters: map[string]filterFunc{"job": relFilter("job")}},
		{name: "questions", read: "admin", list: true, load: loadQuestions,
			attrs: []string{"title", "description", "question-type", "alternatives", "multiple", "single-line", "start-with", "end-with", "unit"}},
		{name: "answers", read: "admin", list: true, load: loadAnswers,
			attrs: []string{"text", "boolean", "range", "choices", "video-token", "date", "number", "updated-at"},
			rels:  rels("question:questions", "candidate:candidates")},
		// Activities have no top-level list: they are listed per
		// candidate, job or user (docs/public-api.md §9).
		{name: "activities", read: "admin", load: loadActivities, attrs: []string{"code", "created-at", "data"},
			rels: rels("candidate:candidates", "job:jobs", "user:users")},
		{name: "partner-results", read: "admin", list: true, load: loadResults,
			attrs: []string{"status", "summary", "url", "assessment-score", "attachments", "details", "partner-name", "created-at"},
			rels:  rels("candidate:candidates", "job:jobs"), filters: map[string]filterFunc{"candidate": relFilter("candidate")}},
	} {
		types[t.name] = t
	}
	// Selects are custom fields of their own type, listed and shown with
	// the other custom fields (docs/public-api.md §9).
	sel := *types["custom-fields"]
	sel.name, sel.list = "custom-field-selects", false
	sel.load = func(w *world) ([]*record, error) {
		all, err := w.all("custom-fields")
		var out []*record
		for _, r := range all {
			if r.typ == "custom-field-selects" {
				out = append(out, r)
			}
		}
		return out, err
	}
	types["custom-field-selects"] = &sel
}

func relFilter(name string) filterFunc {
	return func(rec *record, _ string, values []string, _ *time.Location) (bool, *problem) {
		for _, r := range rec.rel(name) {
			if slices.Contains(values, r.ID) {
				return true, nil
			}
		}
		return false, nil
	}
}

func attrFilter(name string, fold bool) filterFunc {
	return func(rec *record, _ string, values []string, _ *time.Location) (bool, *problem) {
		v := rec.attrs[name]
		if v == nil {
			return false, nil
		}
		s := fmt.Sprint(v)
		for _, want := range values {
			if s == want || fold && strings.EqualFold(s, want) {
				return true, nil
			}
		}
		return false, nil
	}
}

func hiddenFilter(name string) filterFunc {
	return func(rec *record, _ string, values []string, _ *time.Location) (bool, *problem) {
		for _, want := range values {
			if strings.EqualFold(rec.hidden[name], want) {
				return true, nil
			}
		}
		return false, nil
	}
}

// dateFilter matches filter[<name>][from] and [to], both inclusive; a
// bare date means its first instant (from) or last (to) in the company's
// time zone. A record without the date matches neither.
func dateFilter(name string) filterFunc {
	return func(rec *record, op string, values []string, loc *time.Location) (bool, *problem) {
		if op != "from" && op != "to" || len(values) != 1 {
			return false, fail(400, "Invalid filter value", "107", "%s needs [from] or [to] and one date.", name)
		}
		bound, err := parseBound(values[0], op == "to", loc)
		if err != nil {
			return false, fail(400, "Invalid filter value", "107", "%s is not a valid value for %s.", values[0], name)
		}
		s, _ := rec.attrs[name].(string)
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return false, nil
		}
		if op == "from" {
			return !t.Before(bound), nil
		}
		return !t.After(bound), nil
	}
}

func parseBound(v string, end bool, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02", v, loc); err == nil {
		if end {
			return t.Add(24*time.Hour - time.Nanosecond), nil
		}
		return t, nil
	}
	return time.Parse(time.RFC3339, v)
}

func jobStatusFilter(rec *record, _ string, values []string, _ *time.Location) (bool, *problem) {
	for _, v := range values {
		if strings.EqualFold(v, "all") || strings.EqualFold(v, fmt.Sprint(rec.attrs["human-status"])) {
			return true, nil
		}
	}
	return false, nil
}

func jobFeedFilter(rec *record, _ string, values []string, _ *time.Location) (bool, *problem) {
	internal, _ := rec.attrs["internal"].(bool)
	for _, v := range values {
		if strings.EqualFold(v, "internal") && internal || strings.EqualFold(v, "public") && !internal {
			return true, nil
		}
	}
	return false, nil
}
