package apispec

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/mockserver/apispectest"
)

var allowedFlows = map[string]bool{
	"activation": true, "permissions": true, "records": true, "schedule": true,
	"clients": true, "company": true, "events": true, "admin": true,
}

// expectedOps lists every operation: the path operations with method and a concrete request path
// (for routing), then the event callbacks.
var expectedOps = []struct{ id, method, path string }{
	{"activateKey", http.MethodPost, "/api/partner/key/activate"},
	{"getKeyStatus", http.MethodGet, "/api/partner/key"},
	{"getCompany", http.MethodGet, "/api/partner/company"},
	{"listMasters", http.MethodGet, "/api/partner/masters"},
	{"listServices", http.MethodGet, "/api/partner/services"},
	{"listClients", http.MethodGet, "/api/partner/clients"},
	{"getClient", http.MethodGet, "/api/partner/clients/401"},
	{"getSchedule", http.MethodGet, "/api/partner/schedule"},
	{"updateSchedule", http.MethodPut, "/api/partner/schedule/201/2026-05-06"},
	{"listFreeTimes", http.MethodGet, "/api/partner/free-times"},
	{"listRecords", http.MethodGet, "/api/partner/records"},
	{"createRecord", http.MethodPost, "/api/partner/records"},
	{"getRecord", http.MethodGet, "/api/partner/records/50217"},
	{"updateRecord", http.MethodPatch, "/api/partner/records/50217"},
	{"cancelRecord", http.MethodPost, "/api/partner/records/50217/cancel"},
	{"occupyTime", http.MethodPost, "/api/partner/occupied-times"},
	{"createAccessKey", http.MethodPost, "/owner/companies/48213/access-keys"},
	{"listAccessKeys", http.MethodGet, "/owner/companies/48213/access-keys"},
	{"getAccessKey", http.MethodGet, "/owner/companies/48213/access-keys/7001"},
	{"updateAccessKey", http.MethodPatch, "/owner/companies/48213/access-keys/7001"},
	{"deleteAccessKey", http.MethodDelete, "/owner/companies/48213/access-keys/7001"},
	{"listKeyDeliveries", http.MethodGet, "/owner/companies/48213/access-keys/7001/deliveries"},
	{"listOutboxEmails", http.MethodGet, "/owner/companies/48213/emails"},
	{"ownerCreateRecord", http.MethodPost, "/owner/companies/48213/records"},
	{"ownerOccupyTime", http.MethodPost, "/owner/companies/48213/occupied-times"},
	{"ownerUpdateRecord", http.MethodPatch, "/owner/companies/48213/records/50217"},
	{"ownerCancelRecord", http.MethodPost, "/owner/companies/48213/records/50217/cancel"},
	{"ownerCreateClient", http.MethodPost, "/owner/companies/48213/clients"},
	{"ownerUpdateClient", http.MethodPatch, "/owner/companies/48213/clients/401"},
	{"ownerUpdateSchedule", http.MethodPut, "/owner/companies/48213/schedule/202/2026-05-07"},
	{"onRecordCreated", "", ""},
	{"onRecordUpdated", "", ""},
	{"onRecordCancelled", "", ""},
	{"onClientCreated", "", ""},
	{"onClientUpdated", "", ""},
	{"onScheduleUpdated", "", ""},
	{"onKeyStateChanged", "", ""},
}

type opRef struct {
	where    string // "METHOD /path" or "callback name"
	op       *openapi3.Operation
	callback bool
	admin    bool
}

func allOperations(doc *openapi3.T) []opRef {
	var out []opRef
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			out = append(out, opRef{where: method + " " + path, op: op, admin: strings.HasPrefix(path, "/owner/")})
			for name, cb := range op.Callbacks {
				for expr, cbItem := range cb.Value.Map() {
					for cbMethod, cbOp := range cbItem.Operations() {
						out = append(out, opRef{where: name + " " + cbMethod + " " + expr, op: cbOp, callback: true})
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].where < out[j].where })
	return out
}

func TestDocumentValidates(t *testing.T) {
	doc := apispectest.Load(t, Document())
	assert.Equal(t, "3.0.3", doc.OpenAPI)
	require.NotEmpty(t, doc.Servers)
	assert.True(t, strings.HasPrefix(doc.Servers[0].URL, "/"), "first server must be relative")
	for _, word := range []string{"read", "inferred", "designed", "Sources", "Legend", "timezone"} {
		assert.Contains(t, doc.Info.Description, word)
	}
}

func TestOperationsHaveAccordExtensions(t *testing.T) {
	doc := apispectest.Load(t, Document())
	ops := allOperations(doc)
	seen := map[string]bool{}
	for _, o := range ops {
		id := o.op.OperationID
		require.NotEmpty(t, id, o.where)
		assert.False(t, seen[id], "duplicate operationId %s", id)
		seen[id] = true

		marks := apispectest.MarksOf(t, o.op)
		assert.True(t, allowedFlows[marks.Flow], "%s: unknown flow %q", id, marks.Flow)
		if d, present := o.op.Extensions["x-accord-designed"]; present {
			assert.Equal(t, true, d, "%s: x-accord-designed must be true when present", id)
		}
		if o.admin {
			assert.Equal(t, true, o.op.Extensions["x-accord-designed"], "%s: admin operations are designed", id)
			assert.False(t, marks.Required, "%s: the partner never calls admin operations", id)
			assert.Contains(t, o.op.Tags, "admin", id)
		}
		if o.callback {
			assert.Equal(t, "events", marks.Flow, id)
			assert.Equal(t, true, o.op.Extensions["x-accord-designed"], "%s: events are designed", id)
		}
	}
	var want []string
	for _, e := range expectedOps {
		want = append(want, e.id)
	}
	var got []string
	for id := range seen {
		got = append(got, id)
	}
	assert.ElementsMatch(t, want, got)
}

func TestResponsesDeclareSchemas(t *testing.T) {
	doc := apispectest.Load(t, Document())
	for _, o := range allOperations(doc) {
		id := o.op.OperationID
		require.NotNil(t, o.op.Responses, id)
		for status, ref := range o.op.Responses.Map() {
			resp := ref.Value
			require.NotNil(t, resp, "%s %s", id, status)
			require.NotEmpty(t, resp.Content, "%s %s: no content", id, status)
			for mt, media := range resp.Content {
				require.NotNil(t, media.Schema, "%s %s %s: no schema", id, status, mt)
				if strings.HasPrefix(status, "4") {
					assert.Equal(t, "#/components/schemas/ErrorEnvelope", media.Schema.Ref, "%s %s: errors use the envelope", id, status)
				}
			}
		}
		if o.callback {
			continue
		}
		if o.admin {
			assert.NotNil(t, o.op.Responses.Value("401"), "%s: 401 for the owner token", id)
			continue
		}
		assert.NotNil(t, o.op.Responses.Value("401"), "%s: 401 for the access key", id)
		if id != "getKeyStatus" {
			assert.NotNil(t, o.op.Responses.Value("403"), "%s: 403 for key state/permissions", id)
		}
	}
}

// TestExamplesValidate re-checks every request, response and callback example against its schema,
// independently of doc.Validate.
func TestExamplesValidate(t *testing.T) {
	doc := apispectest.Load(t, Document())
	count := 0
	check := func(where string, media *openapi3.MediaType) {
		if media == nil || media.Schema == nil {
			return
		}
		if media.Example != nil {
			count++
			assert.NoError(t, media.Schema.Value.VisitJSON(media.Example), where)
		}
		for name, ex := range media.Examples {
			count++
			require.NotNil(t, ex.Value, where+" "+name)
			assert.NoError(t, media.Schema.Value.VisitJSON(ex.Value.Value), where+" "+name)
		}
	}
	for _, o := range allOperations(doc) {
		id := o.op.OperationID
		if o.op.RequestBody != nil {
			for mt, media := range o.op.RequestBody.Value.Content {
				check(id+" request "+mt, media)
			}
		}
		for status, ref := range o.op.Responses.Map() {
			for mt, media := range ref.Value.Content {
				check(id+" "+status+" "+mt, media)
			}
		}
	}
	assert.Greater(t, count, 60, "examples found")

	// Each event callback carries an example of its own payload schema.
	for _, o := range allOperations(doc) {
		if !o.callback {
			continue
		}
		media := o.op.RequestBody.Value.Content.Get("application/json")
		require.NotNil(t, media, o.op.OperationID)
		require.NotNil(t, media.Example, o.op.OperationID)
		assert.True(t, strings.HasSuffix(media.Schema.Ref, "Event"), o.op.OperationID)
	}
}

func TestRouterFindsEveryOperation(t *testing.T) {
	doc := apispectest.Load(t, Document())
	require.NoError(t, doc.Validate(context.Background()))
	router, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)
	for _, e := range expectedOps {
		if e.method == "" {
			continue
		}
		req := httptest.NewRequest(e.method, "http://mock.test"+e.path, nil)
		route, _, err := router.FindRoute(req)
		if assert.NoError(t, err, e.id) {
			assert.Equal(t, e.id, route.Operation.OperationID, e.path)
		}
	}
	// Owner paths are not served under the partner base, nor partner paths at the root.
	_, _, err = router.FindRoute(httptest.NewRequest(http.MethodGet, "http://mock.test/api/partner/owner/companies/1/emails", nil))
	assert.Error(t, err)
	_, _, err = router.FindRoute(httptest.NewRequest(http.MethodGet, "http://mock.test/company", nil))
	assert.Error(t, err)
}

func TestEventCallbacksTargetThePath(t *testing.T) {
	doc := apispectest.Load(t, Document())
	op := doc.Paths.Value("/owner/companies/{company_id}/access-keys").Post
	require.NotNil(t, op)
	names := map[string]bool{}
	for _, cb := range op.Callbacks {
		item := cb.Value.Value("{$request.body#/path}")
		require.NotNil(t, item)
		require.NotNil(t, item.Post)
		schema := item.Post.RequestBody.Value.Content.Get("application/json").Schema.Value
		// the event name is pinned by the second allOf member
		ev := schema.AllOf[1].Value.Properties["event"].Value.Enum
		require.Len(t, ev, 1)
		names[ev[0].(string)] = true
	}
	assert.Equal(t, map[string]bool{
		"record.created": true, "record.updated": true, "record.cancelled": true,
		"client.created": true, "client.updated": true, "schedule.updated": true,
		"key.state_changed": true,
	}, names)
	enum := doc.Components.Schemas["EventName"].Value.Enum
	assert.Len(t, enum, len(names))
}

func TestSchemasRejectWrongShapes(t *testing.T) {
	doc := apispectest.Load(t, Document())
	s := func(name string) *openapi3.Schema { return doc.Components.Schemas[name].Value }
	// responses carry the company's offset, not Z
	assert.Error(t, s("LocalDateTime").VisitJSON("2026-05-05T13:00:00Z"))
	assert.NoError(t, s("LocalDateTime").VisitJSON("2026-05-05T16:00:00+03:00"))
	// masked and plain phones
	client := map[string]any{"id": 1.0, "name": "A", "surname": nil, "phone": "+7********01", "masked": []any{"surname", "phone"}}
	assert.NoError(t, s("Client").VisitJSON(client))
	client["phone"] = "+7***1234501"
	assert.Error(t, s("Client").VisitJSON(client))
	// success code is 0, failure codes are strings
	assert.Error(t, s("OkStatus").VisitJSON(map[string]any{"code": 1.0, "message": ""}))
	assert.Error(t, s("ErrorEnvelope").VisitJSON(map[string]any{"error": map[string]any{"code": "NOPE", "message": "x"}, "data": nil}))
}
