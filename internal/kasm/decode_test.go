package kasm

import (
	"encoding/json"
	"errors"
	"io/fs"
	"path"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestNormalizeID(t *testing.T) {
	const want = "57e8fc1afa864ff4947460d9831f42d5"
	for _, in := range []string{
		"57e8fc1afa864ff4947460d9831f42d5",
		"57E8FC1AFA864FF4947460D9831F42D5",
		"57e8fc1a-fa86-4ff4-9474-60d9831f42d5",
		"57E8FC1A-FA86-4FF4-9474-60D9831F42D5",
		"57e8fc1a-FA86-4ff4-9474-60d9831F42D5",
	} {
		got, err := NormalizeID(in)
		if err != nil || got != want {
			t.Errorf("NormalizeID(%q) = %q, %v", in, got, err)
		}
		if !IsID(in) {
			t.Errorf("IsID(%q) = false", in)
		}
	}
	for _, in := range []string{
		"", "57e8fc1a", "57e8fc1afa864ff4947460d9831f42d", "57e8fc1afa864ff4947460d9831f42d5a",
		"57e8fc1a-fa86-4ff4-9474-60d9831f42dg", "57e8fc1afa86-4ff4-9474-60d9831f42d5-", "57e8fc1a_fa86_4ff4_9474_60d9831f42d5",
		"{57e8fc1a-fa86-4ff4-9474-60d9831f42d5}", " 57e8fc1afa864ff4947460d9831f42d5", "57e8fc1a-fa86-4ff4-947460d9831f42d5-",
		"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "57e8fc1afa864ff4947460d9831f42dé",
	} {
		if _, err := NormalizeID(in); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("NormalizeID(%q) error = %v, want ErrInvalidArgument", in, err)
		}
		if IsID(in) {
			t.Errorf("IsID(%q) = true", in)
		}
	}
}

func TestParseTime(t *testing.T) {
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	valid := map[string]time.Time{
		"2020-11-12 14:29:25.808258":       at("2020-11-12T14:29:25.808258Z"),
		"2020-11-12 14:29:25":              at("2020-11-12T14:29:25Z"),
		"2020-11-12 14:29:25.5":            at("2020-11-12T14:29:25.5Z"),
		"2020-11-12T14:29:25Z":             at("2020-11-12T14:29:25Z"),
		"2020-11-12T14:29:25.123+02:00":    at("2020-11-12T12:29:25.123Z"),
		"2020-11-12 14:29:25.808258+00:00": at("2020-11-12T14:29:25.808258Z"),
		"2020-11-12T14:29:25.808258":       at("2020-11-12T14:29:25.808258Z"),
		"2020-11-12":                       at("2020-11-12T00:00:00Z"),
		" 2020-11-12 14:29:25 ":            at("2020-11-12T14:29:25Z"),
	}
	for in, want := range valid {
		got, err := parseTime(in)
		if err != nil || got == nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("parseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "None", "null", "  "} {
		if got, err := parseTime(in); got != nil || err != nil {
			t.Errorf("parseTime(%q) = %v, %v; want nil, nil", in, got, err)
		}
	}
	for _, in := range []string{"yesterday", "2020-13-45 99:99:99", "1605191365"} {
		if got, err := parseTime(in); got != nil || err == nil {
			t.Errorf("parseTime(%q) = %v, %v; want an error", in, got, err)
		}
	}
}

func TestLenientMembers(t *testing.T) {
	f, err := parseObject([]byte(`{
		"memory_int": 1768000000, "memory_float": 1.768e9, "memory_str": "1768000000", "memory_frac": 1.5,
		"memory_huge": 1e30, "memory_neg": -3, "cores_int": 1, "cores_float": 1.0, "cores_str": "2.5",
		"b_true": true, "b_null": null, "b_str": "True", "b_num": 1, "b_zero": 0, "b_bad": "maybe", "b_obj": {},
		"s_num": 42, "s_bool": false, "s_null": null, "s_obj": {"a": 1}, "s_list": [1],
		"id_dashed": "4ACB13BF-1215-4972-9F0D-8C537D17F2DA", "id_bad": "not-an-id", "id_null": null,
		"date_none": "None", "date_bad": "someday", "date_num": 5,
		"list": [{"name": "a"}, "junk", 3, null, {"name": "b"}], "list_not": {"name": "x"},
		"strings": ["a", 1, "b", null], "settings_list": [], "settings": {"idle_disconnect": 20.5}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	ints := map[string]int64{
		"memory_int": 1768000000, "memory_float": 1768000000, "memory_str": 1768000000, "memory_frac": 1,
		"memory_huge": 0, "memory_neg": -3, "missing": 0, "b_true": 0, "s_obj": 0,
	}
	for key, want := range ints {
		if got := f.int64Value(key); got != want {
			t.Errorf("int64Value(%s) = %d, want %d", key, got, want)
		}
	}
	floats := map[string]float64{"cores_int": 1, "cores_float": 1, "cores_str": 2.5, "missing": 0, "b_null": 0}
	for key, want := range floats {
		if got := f.floatValue(key); got != want {
			t.Errorf("floatValue(%s) = %v, want %v", key, got, want)
		}
	}
	bools := map[string]*bool{
		"b_true": Bool(true), "b_null": nil, "b_str": Bool(true), "b_num": Bool(true), "b_zero": Bool(false),
		"b_bad": nil, "b_obj": nil, "missing": nil,
	}
	for key, want := range bools {
		got := f.optBool(key)
		if (got == nil) != (want == nil) || (got != nil && *got != *want) {
			t.Errorf("optBool(%s) = %v, want %v", key, got, want)
		}
		if f.boolean(key) != (want != nil && *want) {
			t.Errorf("boolean(%s) wrong", key)
		}
	}
	strs := map[string]string{"s_num": "42", "s_bool": "false", "s_null": "", "s_obj": "", "s_list": "", "missing": ""}
	for key, want := range strs {
		if got := f.str(key); got != want {
			t.Errorf("str(%s) = %q, want %q", key, got, want)
		}
	}
	ids := map[string]string{"id_dashed": "4acb13bf121549729f0d8c537d17f2da", "id_bad": "not-an-id", "id_null": ""}
	for key, want := range ids {
		if got := f.id(key); got != want {
			t.Errorf("id(%s) = %q, want %q", key, got, want)
		}
	}
	for _, key := range []string{"date_none", "date_bad", "date_num", "missing"} {
		if got := f.date(key); got != nil {
			t.Errorf("date(%s) = %v, want nil", key, got)
		}
	}
	names := decodeList(f, "list", func(o fields) string { return o.str("name") })
	if !reflect.DeepEqual(names, []string{"a", "b"}) {
		t.Errorf("decodeList = %v", names)
	}
	if got := decodeList(f, "list_not", func(o fields) string { return o.str("name") }); got != nil {
		t.Errorf("decodeList of an object = %v", got)
	}
	if got := f.stringList("strings"); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("stringList = %v", got)
	}
	if f.anyMap("settings_list") != nil || f.anyMap("settings")["idle_disconnect"] != 20.5 {
		t.Errorf("anyMap: %v / %v", f.anyMap("settings_list"), f.anyMap("settings"))
	}
	if f.raw("s_null") != nil || string(f.raw("s_obj")) != `{"a": 1}` {
		t.Errorf("raw: %q / %q", f.raw("s_null"), f.raw("s_obj"))
	}
}

func TestDecodeRealServerVariants(t *testing.T) {
	// get_users from a 1.15 server: dashed ids, "None" dates, created, anonymous and no groups.
	f, err := parseObject([]byte(`{"users": [{"user_id": "57E8FC1A-FA86-4FF4-9474-60D9831F42D5", "username": "anon_x",
		"anonymous": true, "locked": null, "disabled": null, "last_session": "None", "created": "2024-01-02 03:04:05",
		"groups": [], "kasms": null, "company": {}, "realm": "local", "program_id": "bad id"}], "total": 1, "page": 0}`))
	if err != nil {
		t.Fatal(err)
	}
	users, total, paged := decodeUsersPage(f)
	if !paged || total != 1 || len(users) != 1 {
		t.Fatalf("decodeUsersPage = %v, %d, %v", users, total, paged)
	}
	u := users[0]
	if u.ID != "57e8fc1afa864ff4947460d9831f42d5" || !u.Anonymous || u.Locked || u.LastSession != nil ||
		u.Created == nil || u.Created.Format(time.DateTime) != "2024-01-02 03:04:05" || u.ProgramID != "bad id" {
		t.Errorf("user = %+v", u)
	}

	// Empty get_users and get_kasms answers.
	f, _ = parseObject([]byte(`{}`))
	if users, total, paged := decodeUsersPage(f); users != nil || total != 0 || paged {
		t.Errorf("{} gave %v, %d, %v", users, total, paged)
	}
	f, _ = parseObject([]byte(`{"kasms": []}`))
	if kasms := decodeList(f, "kasms", decodeKasm); len(kasms) != 0 {
		t.Errorf("kasms = %v", kasms)
	}

	// A starting session: empty client_settings list, null server members, float memory.
	f, _ = parseObject([]byte(`{"kasm_id": "6D62EC66-3062-4F1D-B861-AEB3F5CA2390", "memory": 1.768e9, "cores": 1,
		"client_settings": [], "operational_status": "provisioning", "operational_progress": 45.0,
		"server": {"hostname": null, "port": null, "provider": null, "zone_name": "default"}, "share_id": null,
		"created_date": "2024-01-02 03:04:05.000001", "port_map": {"vnc": {"port": "443", "path": "x"}, "bad": 7}}`))
	k := decodeKasm(f)
	if k.ID != "6d62ec6630624f1db861aeb3f5ca2390" || k.Memory != 1768000000 || k.Cores != 1 || k.ClientSettings != nil ||
		k.OperationalProgress != 45 || k.Server != (SessionServer{ZoneName: "default"}) || k.ShareID != "" ||
		k.CreatedDate == nil || k.CreatedDate.Nanosecond() != 1000 {
		t.Errorf("kasm = %#v", k)
	}
	if k.PortMap["vnc"] != (PortMapping{Port: 443, Path: "x"}) || k.PortMap["bad"] != (PortMapping{}) {
		t.Errorf("PortMap = %v", k.PortMap)
	}

	// An image with null numbers and filter policy members.
	f, _ = parseObject([]byte(`{"image_id": "B483F0A4FB6546F79064F9B6759758CB", "memory": null, "cores": 0.5,
		"categories": ["Browser", "Web"], "filter_policy_id": null, "filter_policy_force_disabled": true,
		"session_time_limit": 3600.0, "docker_token": "********", "server": {"hostname": "agent1"}}`))
	img := decodeImage(f)
	if img.ID != "b483f0a4fb6546f79064f9b6759758cb" || img.Memory != 0 || img.Cores != 0.5 ||
		!reflect.DeepEqual(img.Categories, []string{"Browser", "Web"}) || img.SessionTimeLimit != 3600 ||
		len(img.FilterPolicy) != 2 || string(img.FilterPolicy["filter_policy_force_disabled"]) != "true" ||
		string(img.Server) != `{"hostname": "agent1"}` {
		t.Errorf("image = %#v", img)
	}
}

func TestSnippet(t *testing.T) {
	cases := map[string]string{
		"<html><body>An unhandled exception occurred check logs for details<body><html>": "An unhandled exception occurred check logs for details",
		"  many\n\n\tspaces   here ": "many spaces here",
		"ctl\x00\x01chars":           "ctlchars",
		"bad \xff utf8":              "bad ? utf8",
		"":                           "",
	}
	for in, want := range cases {
		if got := snippet([]byte(in)); got != want {
			t.Errorf("snippet(%q) = %q, want %q", in, got, want)
		}
	}
	long := snippet([]byte(strings.Repeat("é", 5000)))
	if n := len([]rune(long)); n != maxSnippetRunes+1 || !strings.HasSuffix(long, "…") {
		t.Errorf("long snippet has %d runes", n)
	}
}

// FuzzDecode feeds arbitrary bodies to every response decoder and to the answer
// interpretation; none may panic, and ids that look valid must come out canonical.
func FuzzDecode(f *testing.F) {
	for _, dir := range []string{"docs", "contract"} {
		files, _ := fs.Glob(testdata, path.Join(dir, "*.json"))
		for _, file := range files {
			data, err := fs.ReadFile(testdata, file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data, uint16(200))
		}
	}
	for _, seed := range []string{
		`{}`, `null`, `[]`, `""`, `{"users": {}}`, `{"users": [null, 1, "x", {}]}`, `{"total": "x", "users": []}`,
		`{"kasm": [], "kasm_url": 5}`, `{"error_message": {"nested": true}}`, `{"error_message": 7}`,
		`{"error_message": "This session is currently starting."}`, `{"operational_status": null}`,
		`{"user": {"user_id": 1e400, "last_session": 7, "groups": [{"group_id": null}]}}`,
		`{"memory": 1e309, "cores": "NaN", "port": -1e20}`, `<html>oops</html>`, "\xff\xfe",
		`{"kasms": [{"port_map": {"vnc": []}, "image": "x", "client_settings": {"a": [1, {"b": null}]}}]}`,
	} {
		f.Add([]byte(seed), uint16(200))
		f.Add([]byte(seed), uint16(500))
	}

	c := &Client{apiKeySecret: testAPISecret}
	f.Fuzz(func(t *testing.T, body []byte, status uint16) {
		res := attemptResult{status: int(status % 600), body: body, header: map[string][]string{}}
		for _, endpoint := range []string{epGetUser, epGetKasmStatus, epRequestKasm} {
			obj, apiErr := c.interpret(endpoint, res, callOptions{classify: classifyOptions{invalidRequestIsNotFound: true}})
			var err error
			if apiErr != nil {
				err = apiErr
				_ = apiErr.Error()
			}
			_, _ = decodeKasmStatus(obj, err)
		}
		_ = snippet(body)
		_, _ = pendingState(string(body))
		_, _ = parseTime(string(body))
		_, _ = ParseBaseURL(string(body))
		if id, err := NormalizeID(string(body)); err == nil && (len(id) != 32 || strings.ToLower(id) != id || !IsID(id)) {
			t.Errorf("NormalizeID(%q) = %q", body, id)
		}

		obj, err := parseObject(body)
		if err != nil {
			return
		}
		_, _ = decodeUserAnswer(epGetUser, obj)
		_, _, _ = decodeUsersPage(obj)
		_, _ = decodeAttributesAnswer(obj)
		_, _ = decodeGroupAnswer(epCreateGroup, obj)
		_ = decodeList(obj, "groups", decodeGroup)
		_ = decodeList(obj, "images", decodeGroupImage)
		_ = decodeList(obj, "images", decodeImage)
		_ = decodeList(obj, "kasms", decodeKasm)
		_ = decodeRequestKasm(obj)
		_, _ = decodeKasmStatus(obj, nil)
		_, _ = decodeJoinKasm(obj)
		_ = decodeKeepalive(obj)
		_, _ = decodeLogin(obj)
		// Every decoder applied to the object itself and to each member that is an object.
		objects := []fields{obj}
		for key := range obj {
			if o := obj.object(key); o != nil {
				objects = append(objects, o)
			}
		}
		for _, o := range objects {
			u := decodeUser(o)
			for _, id := range []string{u.ID, decodeKasm(o).ID, decodeImage(o).ID, decodeGroup(o).ID} {
				if IsID(id) && (len(id) != 32 || strings.ToLower(id) != id) {
					t.Errorf("id %q decoded but not canonical", id)
				}
			}
			_ = decodeUserAttributes(o)
			_ = decodeGroupImage(o)
			_ = decodeImageAttribute(o)
			_ = decodeUserKasm(o)
			_, _ = json.Marshal(u)
		}
	})
}
