/// Checks instances against a `CompiledSchema`.
///
/// The evaluator itself is immutable; everything that changes during one validation lives in `EvaluationState`,
/// so a validator can be shared across tasks.
struct SchemaEvaluator {
    /// How many `$ref`s may be followed in a row without descending into the instance.
    static let maxRefDepth = 64

    let schema: CompiledSchema

    /// Checks `value` against node `id`, appending violations to `state`.
    func check(_ value: JSONValue, _ id: CompiledSchema.NodeID, _ state: inout EvaluationState) {
        if state.stopped { return }
        let node = schema.nodes[id]
        if let alwaysValid = node.alwaysValid {
            if !alwaysValid { state.report("false", "no value is allowed here (the schema is false)") }
            return
        }
        if let target = node.ref { follow(node, to: target, value, &state) }
        if let types = node.types, !types.contains(where: { $0.admits(value) }) {
            state.report("type", "expected \(SchemaText.alternatives(types.map(\.rawValue))), got \(value.typeName)")
        }
        if let values = node.enumValues, !values.contains(value) {
            state.report(
                "enum", "value \(SchemaText.value(value)) is not one of \(SchemaText.value(.array(values), limit: 200))"
            )
        }
        if let constant = node.constValue, constant != value {
            state.report(
                "const", "value \(SchemaText.value(value)) is not equal to const \(SchemaText.value(constant))")
        }
        switch value {
        case .number(let number): checkNumber(number, node, &state)
        case .string(let text): checkString(text, node, &state)
        case .array(let elements): checkArray(elements, node, &state)
        case .object(let members): checkObject(value, members, node, &state)
        case .null, .bool: break
        }
        checkApplicators(value, node, &state)
    }

    // MARK: References

    private func follow(
        _ node: SchemaNode, to target: CompiledSchema.NodeID, _ value: JSONValue, _ state: inout EvaluationState
    ) {
        let ref = node.refText ?? ""
        // Reaching the same node again for the same value would recurse forever: report instead of looping.
        if state.refChain.contains(target) {
            state.report(
                "$ref",
                "$ref '\(ref)' at '\(node.location)' leads back to '\(schema.nodes[target].location)' "
                    + "without descending into the value (reference cycle)")
            return
        }
        if state.refChain.count >= Self.maxRefDepth {
            state.report(
                "$ref",
                "$ref '\(ref)' at '\(node.location)' exceeds \(Self.maxRefDepth) nested references "
                    + "without descending into the value")
            return
        }
        state.refChain.append(target)
        check(value, target, &state)
        state.refChain.removeLast()
    }

    // MARK: Type-specific keywords

    private func checkNumber(_ number: Double, _ node: SchemaNode, _ state: inout EvaluationState) {
        let text = SchemaText.number(number)
        if let divisor = node.multipleOf, !Self.isMultiple(number, of: divisor) {
            state.report("multipleOf", "value \(text) is not a multiple of \(SchemaText.number(divisor))")
        }
        if let minimum = node.minimum, number < minimum {
            state.report("minimum", "value \(text) is less than minimum \(SchemaText.number(minimum))")
        }
        if let bound = node.exclusiveMinimum, number <= bound {
            state.report(
                "exclusiveMinimum", "value \(text) is not greater than exclusive minimum \(SchemaText.number(bound))")
        }
        if let maximum = node.maximum, number > maximum {
            state.report("maximum", "value \(text) is greater than maximum \(SchemaText.number(maximum))")
        }
        if let bound = node.exclusiveMaximum, number >= bound {
            state.report(
                "exclusiveMaximum", "value \(text) is not less than exclusive maximum \(SchemaText.number(bound))")
        }
    }

    /// Exact for integers; for decimal divisors (`0.01`) a quotient within a few ulps of an integer counts, since
    /// neither operand is exact in binary floating point.
    static func isMultiple(_ value: Double, of divisor: Double) -> Bool {
        let quotient = value / divisor
        guard quotient.isFinite else { return false }
        let nearest = quotient.rounded()
        return nearest == quotient || abs(quotient - nearest) <= 4 * abs(quotient).ulp
    }

    private func checkString(_ text: String, _ node: SchemaNode, _ state: inout EvaluationState) {
        if node.minLength != nil || node.maxLength != nil {
            // JSON Schema counts code points, so "é" as one scalar is 1 and "👍🏽" (two scalars) is 2.
            let length = text.unicodeScalars.count
            if let minimum = node.minLength, length < minimum {
                state.report(
                    "minLength",
                    "expected at least \(SchemaText.count(minimum, "character", "characters")), got \(length)")
            }
            if let maximum = node.maxLength, length > maximum {
                state.report(
                    "maxLength",
                    "expected at most \(SchemaText.count(maximum, "character", "characters")), got \(length)")
            }
        }
        if let pattern = node.pattern, !pattern.matches(text) {
            state.report("pattern", "does not match pattern '\(pattern.source)'")
        }
    }

    private func checkArray(_ elements: [JSONValue], _ node: SchemaNode, _ state: inout EvaluationState) {
        if let minimum = node.minItems, elements.count < minimum {
            state.report(
                "minItems", "expected at least \(SchemaText.count(minimum, "item", "items")), got \(elements.count)")
        }
        if let maximum = node.maxItems, elements.count > maximum {
            state.report(
                "maxItems", "expected at most \(SchemaText.count(maximum, "item", "items")), got \(elements.count)")
        }
        if node.uniqueItems, let (first, second) = Self.firstDuplicate(elements) {
            state.report("uniqueItems", "items \(first) and \(second) are equal, but items must be unique")
        }
        for (index, itemSchema) in zip(elements.indices, node.prefixItems) {
            if state.stopped { return }
            checkChild(elements[index], .index(index), itemSchema, &state)
        }
        if let items = node.items, elements.count > node.prefixItems.count {
            if schema.nodes[items].alwaysValid == false {
                // One clear message instead of a "no value is allowed" per surplus element.
                let allowed = node.prefixItems.count
                state.report(
                    "items",
                    "expected at most \(SchemaText.count(allowed, "item", "items")), got \(elements.count) "
                        + "(items beyond prefixItems are not allowed)")
            } else {
                for index in node.prefixItems.count..<elements.count {
                    if state.stopped { return }
                    checkChild(elements[index], .index(index), items, &state)
                }
            }
        }
        if let contains = node.contains {
            var matches = 0
            for (index, element) in elements.enumerated() {
                state.path.append(.index(index))
                if probeChild(element, contains, &state) == nil { matches += 1 }
                state.path.removeLast()
            }
            let minimum = node.minContains ?? 1
            if matches < minimum {
                state.report(
                    node.minContains == nil ? "contains" : "minContains",
                    "expected at least \(SchemaText.count(minimum, "item", "items")) to match contains, got \(matches)")
            }
            if let maximum = node.maxContains, matches > maximum {
                state.report(
                    "maxContains",
                    "expected at most \(SchemaText.count(maximum, "item", "items")) to match contains, got \(matches)")
            }
        }
    }

    /// Indices of the first pair of equal elements (JSON equality: `1` equals `1.0`, key order does not matter).
    static func firstDuplicate(_ elements: [JSONValue]) -> (Int, Int)? {
        var firstIndex: [JSONValue: Int] = [:]
        for (index, element) in elements.enumerated() {
            if let earlier = firstIndex[element] { return (earlier, index) }
            firstIndex[element] = index
        }
        return nil
    }

    private func checkObject(
        _ value: JSONValue, _ members: [String: JSONValue], _ node: SchemaNode, _ state: inout EvaluationState
    ) {
        for name in node.required where members[name] == nil {
            state.report("required", "missing required property '\(name)'")
        }
        for (property, requires) in node.dependentRequired where members[property] != nil {
            for name in requires where members[name] == nil {
                state.report("dependentRequired", "property '\(name)' is required when '\(property)' is present")
            }
        }
        if let minimum = node.minProperties, members.count < minimum {
            state.report(
                "minProperties",
                "expected at least \(SchemaText.count(minimum, "property", "properties")), got \(members.count)")
        }
        if let maximum = node.maxProperties, members.count > maximum {
            state.report(
                "maxProperties",
                "expected at most \(SchemaText.count(maximum, "property", "properties")), got \(members.count)")
        }
        if node.hasMemberSchemas {
            // Sorted so the order of violations is stable from run to run.
            for name in members.keys.sorted() {
                if state.stopped { return }
                checkMember(name, members[name]!, node, &state)
            }
        }
        for (property, dependent) in node.dependentSchemas where members[property] != nil {
            check(value, dependent, &state)
        }
    }

    private func checkMember(_ name: String, _ member: JSONValue, _ node: SchemaNode, _ state: inout EvaluationState) {
        if let names = node.propertyNames {
            let start = state.violations.count
            // The name is a separate instance, reported at the object's path with the name in the message.
            withFreshRefChain(&state) { state in check(.string(name), names, &state) }
            for index in start..<state.violations.count {
                state.violations[index].keyword = "propertyNames"
                state.violations[index].message =
                    "property name '\(name)' is invalid: \(state.violations[index].message)"
            }
        }
        var matched = false
        if let property = node.properties[name] {
            matched = true
            checkChild(member, .key(name), property, &state)
        }
        for (pattern, patternSchema) in node.patternProperties where pattern.matches(name) {
            matched = true
            checkChild(member, .key(name), patternSchema, &state)
        }
        if !matched, let additional = node.additionalProperties {
            if schema.nodes[additional].alwaysValid == false {
                state.report("additionalProperties", "additional property '\(name)' is not allowed")
            } else {
                checkChild(member, .key(name), additional, &state)
            }
        }
    }

    // MARK: Applicators

    private func checkApplicators(_ value: JSONValue, _ node: SchemaNode, _ state: inout EvaluationState) {
        for part in node.allOf {
            check(value, part, &state)
        }
        if !node.anyOf.isEmpty {
            var failures: [JSONSchemaViolation] = []
            for option in node.anyOf {
                guard let failure = probe(value, option, &state) else { break }
                failures.append(failure)
            }
            if failures.count == node.anyOf.count {
                state.report("anyOf", "must match at least one schema in anyOf (\(explain(failures, state)))")
            }
        }
        if !node.oneOf.isEmpty {
            var failures: [JSONSchemaViolation] = []
            var matched = 0
            for option in node.oneOf {
                if let failure = probe(value, option, &state) { failures.append(failure) } else { matched += 1 }
            }
            if matched == 0 {
                state.report("oneOf", "must match exactly one schema in oneOf (matched 0; \(explain(failures, state)))")
            } else if matched > 1 {
                state.report("oneOf", "must match exactly one schema in oneOf (matched \(matched))")
            }
        }
        if let negated = node.not, probe(value, negated, &state) == nil {
            state.report("not", "must not match the schema in not")
        }
        if let condition = node.ifSchema {
            let branch = probe(value, condition, &state) == nil ? node.thenSchema : node.elseSchema
            if let branch { check(value, branch, &state) }
        }
    }

    /// `schema 0: expected string, got integer; schema 1: at /a: missing required property 'b'`.
    private func explain(_ failures: [JSONSchemaViolation], _ state: EvaluationState) -> String {
        let here = state.pointer
        return failures.enumerated().map { index, failure in
            let location = failure.instancePath == here ? "" : "at \(failure.instancePath): "
            return "schema \(index): \(location)\(failure.message)"
        }.joined(separator: "; ")
    }

    // MARK: Helpers

    /// Checks a member or element: the path grows by `token` and the ref chain restarts, since input was consumed.
    private func checkChild(
        _ value: JSONValue, _ token: EvaluationState.PathToken, _ id: CompiledSchema.NodeID,
        _ state: inout EvaluationState
    ) {
        state.path.append(token)
        withFreshRefChain(&state) { state in check(value, id, &state) }
        state.path.removeLast()
    }

    private func withFreshRefChain(_ state: inout EvaluationState, _ body: (inout EvaluationState) -> Void) {
        let saved = state.refChain
        state.refChain = []
        body(&state)
        state.refChain = saved
    }

    /// The first violation of `value` against `id`, or `nil` when it matches; leaves `state.violations` unchanged.
    /// Stops at the first violation, since callers only need to know whether (and roughly why) it failed.
    private func probe(
        _ value: JSONValue, _ id: CompiledSchema.NodeID, _ state: inout EvaluationState
    ) -> JSONSchemaViolation? {
        let start = state.violations.count
        let saved = (state.firstOnly, state.floor)
        (state.firstOnly, state.floor) = (true, start)
        check(value, id, &state)
        (state.firstOnly, state.floor) = saved
        guard state.violations.count > start else { return nil }
        let first = state.violations[start]
        state.violations.removeSubrange(start...)
        return first
    }

    private func probeChild(
        _ value: JSONValue, _ id: CompiledSchema.NodeID, _ state: inout EvaluationState
    ) -> JSONSchemaViolation? {
        var result: JSONSchemaViolation?
        withFreshRefChain(&state) { state in result = probe(value, id, &state) }
        return result
    }
}

/// The mutable part of one validation: where in the instance it is, what failed so far, which refs are in flight.
struct EvaluationState {
    /// One step of an instance path.
    enum PathToken {
        case key(String)
        case index(Int)
    }

    var path: [PathToken] = []
    var violations: [JSONSchemaViolation] = []
    /// Nodes entered through `$ref` since the last descent into the instance (for cycle detection).
    var refChain: [CompiledSchema.NodeID] = []
    /// When set, nothing more is reported once one violation beyond `floor` exists.
    var firstOnly: Bool
    var floor = 0

    init(firstOnly: Bool) {
        self.firstOnly = firstOnly
    }

    /// True once a first-violation-only evaluation has its violation.
    var stopped: Bool { firstOnly && violations.count > floor }

    /// The JSON Pointer of the current instance location.
    var pointer: String {
        var text = ""
        for token in path {
            switch token {
            case .key(let key): text += "/" + JSONPointer.escape(key)
            case .index(let index): text += "/\(index)"
            }
        }
        return text
    }

    mutating func report(_ keyword: String, _ message: String) {
        guard !stopped else { return }
        violations.append(JSONSchemaViolation(instancePath: pointer, keyword: keyword, message: message))
    }
}
