package dikidi

// WholeStateStep is the text every scenario that changes anything ends with.
const WholeStateStep = wholeState
