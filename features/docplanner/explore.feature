@docplanner @explore
Feature: Exploring sequences nobody wrote down
  Seeded random sequences of changes on both sides: patients book, cancel and move visits on
  Docplanner and the doctor manages breaks there; the receptionist books, cancels and moves
  visits (to other times and calendars), manages breaks and changes working hours in the
  clinic. PUSH deliveries are lost (and come late, after newer ones) or delivered twice, PULL
  notifications expire unpulled (only the periodic sync repairs what they carried), Docplanner
  is unreachable for a while or refuses one write (503, 429), time passes and the
  partner runs its periodic sync. After every step that leaves nothing on its way, both sides
  must hold the same visits, breaks and free time on every calendar and day of the horizon. A
  failing sequence is shrunk to a short one and shown as Given/When/Then. `accord explore`
  runs these scenarios with a seed, a number of sequences and steps of its own.

  Background:
    Given the clinic "Clinica Sol" is loaded into the partner's system

  @req:DP-BKG-1 @req:DP-BKG-2 @req:DP-BKG-4 @req:DP-BRK-1 @req:DP-BRK-2 @req:DP-SCH-1 @req:DP-XCK-1
  Scenario: Changes on both sides, lost and repeated deliveries and short failures of Docplanner leave both sides in agreement
    When accord explores 3 sequences of 12 steps from seed 1
    Then both sides agreed on their whole state after every step

  @pull @req:DP-BKG-1 @req:DP-BKG-2 @req:DP-BRK-1 @req:DP-BRK-2 @req:DP-SCH-1 @req:DP-XCK-1
  Scenario: Changes on both sides and short failures of Docplanner leave a partner that pulls in agreement
    Given the partner receives notifications by PULL
    When accord explores 2 sequences of 8 steps from seed 101
    Then both sides agreed on their whole state after every step
