/// Why an HTTP exchange with one endpoint failed, and so whether the request may have reached
/// the server (a transaction whose answer was lost must not be sent again blindly).
enum HTTPFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// No connection: the name did not resolve, or the connection was refused or failed.
    case dial(String)
    /// No connection within the dial timeout (seconds).
    case dialTimeout(Int)
    /// The request could not be written whole: the server cannot have acted on it.
    case send(String)
    /// The request was sent and no complete answer came within the request timeout (seconds).
    case answerTimeout(Int)
    /// The request was sent and the connection closed or failed before the answer was whole.
    case closed
    /// The answer is not HTTP/1.x as expected.
    case malformed(String)
    /// The answer's body is larger than the cap (bytes).
    case tooLarge(Int)

    /// False when the server certainly did not receive the whole request.
    var requestMayHaveArrived: Bool {
        switch self {
        case .dial, .dialTimeout, .send: false
        case .answerTimeout, .closed, .malformed, .tooLarge: true
        }
    }

    /// True when the endpoint did not answer at all (rather than answering wrongly).
    var isUnreachable: Bool {
        switch self {
        case .dial, .dialTimeout, .send, .answerTimeout, .closed: true
        case .malformed, .tooLarge: false
        }
    }

    var description: String {
        switch self {
        case .dial(let reason): reason
        case .dialTimeout(let seconds): "no connection within \(seconds) s (dial timeout)"
        case .send(let reason): "request not sent: \(reason)"
        case .answerTimeout(let seconds): "no answer within \(seconds) s (deadline exceeded)"
        case .closed: "the connection closed before the answer was complete"
        case .malformed(let reason): "unreadable HTTP answer: \(reason)"
        case .tooLarge(let cap): "the answer is larger than \(cap) bytes (the response cap)"
        }
    }
}
