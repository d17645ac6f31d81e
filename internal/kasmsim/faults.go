package kasmsim

import (
	"maps"
	"math"
	"net/http"
	"strconv"
	"time"
)

// FaultKind selects what an injected fault does to a request.
type FaultKind int

// Fault kinds. The first group answers before the endpoint runs, so nothing
// is applied; FaultLostAnswer applies the request and then drops the answer.
const (
	// FaultStatus500 answers Kasm's HTML 500 page.
	FaultStatus500 FaultKind = iota + 1
	// FaultStatus502 answers a proxy's 502 Bad Gateway page.
	FaultStatus502
	// FaultStatus503 answers a proxy's 503 Service Unavailable page.
	FaultStatus503
	// Fault429 answers 429 Too Many Requests, with Retry-After when
	// Fault.RetryAfter is set.
	Fault429
	// FaultLatency only delays the request by Fault.Latency and then
	// handles it normally.
	FaultLatency
	// FaultConnReset closes the connection before the request is applied.
	FaultConnReset
	// FaultLostAnswer applies the request and then closes the connection
	// without answering, so the client cannot know the outcome.
	FaultLostAnswer
	// FaultErrorMessage answers HTTP 200 {"error_message": Fault.Message}
	// without applying the request, like request_kasm's "No resources are
	// available" answer.
	FaultErrorMessage
)

// NoResourcesMessage is request_kasm's answer when no agent can take the
// session, ready for a FaultErrorMessage.
const NoResourcesMessage = "No resources are available to create the requested Kasm. " +
	"Please try again later or contact an Administrator"

// AnyEndpoint makes InjectFault hit every endpoint that has no fault of its
// own.
const AnyEndpoint = "*"

// Fault describes an injected failure.
type Fault struct {
	Kind FaultKind
	// RetryAfter is sent as a Retry-After header (whole seconds, rounded up)
	// with Fault429.
	RetryAfter time.Duration
	// Latency delays the request before the fault acts; for FaultLatency it
	// is the whole effect.
	Latency time.Duration
	// Message is the error_message of FaultErrorMessage.
	Message string
	// Times is how many requests the fault hits; 0 means until ClearFaults.
	Times int
}

type faultEntry struct {
	Fault
	remaining int // Meaningful only when Times > 0.
}

// InjectFault makes the next requests to endpoint (a name such as
// "create_user", HealthcheckEndpoint, or AnyEndpoint) fail as f describes.
// Faults on one endpoint queue up in the order they were injected.
func (s *Server) InjectFault(endpoint string, f Fault) {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	s.faults[endpoint] = append(s.faults[endpoint], &faultEntry{Fault: f, remaining: f.Times})
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	clear(s.faults)
}

// takeFault returns the fault that hits this request, if any, and uses up
// one of its hits.
func (s *Server) takeFault(endpoint string) (Fault, bool) {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	for _, key := range []string{endpoint, AnyEndpoint} {
		queue := s.faults[key]
		if len(queue) == 0 {
			continue
		}
		f := queue[0]
		if f.Times > 0 {
			f.remaining--
			if f.remaining <= 0 {
				s.faults[key] = queue[1:]
			}
		}
		return f.Fault, true
	}
	return Fault{}, false
}

// answerBefore acts out the faults that strike before the endpoint runs.
// done reports that the request is finished; resp is what to write, or nil
// when the connection was dropped.
func (f Fault) answerBefore(w http.ResponseWriter) (resp *response, done bool) {
	switch f.Kind {
	case FaultStatus500:
		r := htmlError500()
		return &r, true
	case FaultStatus502, FaultStatus503:
		status := http.StatusBadGateway
		if f.Kind == FaultStatus503 {
			status = http.StatusServiceUnavailable
		}
		r := proxyErrorPage(status)
		return &r, true
	case Fault429:
		r := proxyErrorPage(http.StatusTooManyRequests)
		if f.RetryAfter > 0 {
			r.retryAfter = strconv.Itoa(int(math.Ceil(f.RetryAfter.Seconds())))
		}
		return &r, true
	case FaultConnReset:
		dropConnection(w)
		return nil, true
	case FaultErrorMessage:
		r := errorResponse(http.StatusOK, f.Message)
		return &r, true
	default:
		return nil, false
	}
}

// proxyErrorPage is the HTML an nginx in front of Kasm answers with.
func proxyErrorPage(status int) response {
	line := strconv.Itoa(status) + " " + http.StatusText(status)
	return response{
		status:      status,
		contentType: "text/html",
		body: []byte("<html>\r\n<head><title>" + line + "</title></head>\r\n<body>\r\n<center><h1>" +
			line + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"),
	}
}

func (s *Server) countRequest(endpoint string) {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	s.counts[endpoint]++
}

// RequestCount returns how many requests reached endpoint (whatever their
// outcome, faulted ones included) since the last ResetCounts.
func (s *Server) RequestCount(endpoint string) int {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	return s.counts[endpoint]
}

// RequestCounts returns a copy of every endpoint's request count.
func (s *Server) RequestCounts() map[string]int {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	return maps.Clone(s.counts)
}

// ResetCounts sets every request count back to zero.
func (s *Server) ResetCounts() {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	clear(s.counts)
}
