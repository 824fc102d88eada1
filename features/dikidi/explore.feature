@dikidi @explore
Feature: Exploring sequences nobody wrote down
  Seeded random sequences of changes on both sides: clients booking online and the salon's staff
  booking, moving, confirming and cancelling in DIKIDI, occupying time and changing working hours and
  breaks; the partner's staff doing the same through the partner, now and then with DIKIDI's answer
  lost; events lost on their way or answered and redelivered, the partner's Path failing for a while,
  the partner cut off from DIKIDI for a while (its staff then change nothing, and both sides must
  agree once it is back), time passing, the key paused and resumed. After every step DIKIDI and the partner must agree on
  their whole state: the key, every record, working day and free time of the horizon and every
  client the partner holds, leaving out only what DIKIDI has not yet managed to deliver. A failing
  sequence is shrunk to a short one and shown as Given/When/Then with every difference. The same
  seed gives the same sequence; accord explore --seed, --sequences and --steps replace the plan below.

  Background:
    Given the salon "Birch Beauty Studio" is on DIKIDI

  @req:DK-REC-1 @req:DK-REC-2 @req:DK-SCH-1 @req:DK-EVT-1 @req:DK-EVT-2 @req:DK-STOP-1 @req:DK-STOP-2
  Scenario: Random sequences of changes on both sides keep DIKIDI and the partner in agreement
    When accord explores 4 sequences of 15 steps from seed 1
    Then both sides agreed on their whole state after every step
