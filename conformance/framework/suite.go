package framework

import (
	"context"
	"fmt"

	"github.com/onsi/ginkgo/v2"
)

// StartSuite starts the process's embedded mock; BeforeSuite calls it.
// Each parallel process starts its own, on --mock-listen (port 0 by
// default, so they never collide).
func StartSuite(ctx context.Context) {
	ginkgo.GinkgoHelper()
	m, err := StartMock(ctx)
	if err != nil {
		ginkgo.Fail(fmt.Sprintf("The suite could not start its embedded mock: %v", err))
	}
	mockOf = m
	fmt.Fprintf(ginkgo.GinkgoWriter, "embedded mock: %s (update-url points there); partner: %s; provider key: %s\n",
		m.URL, TestContext.BaseURL, TestContext.providerKeySource)
}

// StopSuite stops the embedded mock; AfterSuite calls it.
func StopSuite(ctx context.Context) {
	if mockOf != nil {
		mockOf.Close(ctx)
	}
}
