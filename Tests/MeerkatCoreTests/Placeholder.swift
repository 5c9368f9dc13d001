// The core's tests live on the core branches; this file only keeps the declared test target buildable.
